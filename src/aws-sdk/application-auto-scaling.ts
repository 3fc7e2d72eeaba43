import { createRequire } from "node:module";

/** `@aws-sdk/client-application-auto-scaling`, loaded with `require` (README.md says why). */
export const sdk = createRequire(import.meta.url)("@aws-sdk/client-application-auto-scaling") as typeof import("@aws-sdk/client-application-auto-scaling");

export const {
  DeleteScalingPolicyRequest$,
  DeleteScheduledActionRequest$,
  DeregisterScalableTargetRequest$,
  DescribeScalableTargetsRequest$,
  DescribeScalingActivitiesRequest$,
  DescribeScalingPoliciesRequest$,
  DescribeScheduledActionsRequest$,
  PutScalingPolicyRequest$,
  PutScheduledActionRequest$,
  RegisterScalableTargetRequest$,
} = sdk;
