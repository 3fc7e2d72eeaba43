import { createRequire } from "node:module";

/** `@aws-sdk/client-eventbridge`, loaded with `require` (README.md says why). */
export const sdk = createRequire(import.meta.url)("@aws-sdk/client-eventbridge") as typeof import("@aws-sdk/client-eventbridge");

export const {
  DeleteRuleRequest$,
  DescribeRuleRequest$,
  DisableRuleRequest$,
  EnableRuleRequest$,
  ListRulesRequest$,
  ListTargetsByRuleRequest$,
  PutRuleRequest$,
  PutTargetsRequest$,
  RemoveTargetsRequest$,
  TestEventPatternRequest$,
} = sdk;
