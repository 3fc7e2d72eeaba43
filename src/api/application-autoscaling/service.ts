import type { JsonService } from "../aws-json/service.js";
import { activityOperations } from "./activities.js";
import type { ApplicationAutoScalingDeps } from "./deps.js";
import { applicationAutoScalingErrors } from "./errors.js";
import { policyOperations } from "./policies.js";
import { scheduledActionOperations } from "./scheduled-actions.js";
import { targetOperations } from "./targets.js";

/** Application Auto Scaling for ECS services' desired count: scalable targets, scaling policies, scheduled actions, activities. */
export function applicationAutoScalingService(deps: ApplicationAutoScalingDeps): JsonService {
  return {
    targetPrefix: "AnyScaleFrontendService",
    signingName: "application-autoscaling",
    errors: applicationAutoScalingErrors,
    missingMemberError: "ValidationException",
    operations: { ...targetOperations(deps), ...policyOperations(deps), ...scheduledActionOperations(deps), ...activityOperations(deps) },
  };
}
