import { compilePolicyText } from "./policy/compile.js";
import { evaluateTrust } from "./policy/evaluate.js";
import type { IamRoleRecord } from "../state/iam-records.js";

/** The service principal ECS assumes task roles (and task execution roles) as. */
export const ecsTasksPrincipal = "ecs-tasks.amazonaws.com";

/**
 * Whether `role`'s trust policy lets the AWS service `service` assume it (`sts:AssumeRole`), as
 * IAM decides for a service principal: an allowing statement naming the service, no deny. The
 * context carries the keys services send (`aws:SourceAccount`), so the confused-deputy conditions
 * AWS recommends in task role trust policies hold.
 */
export function trustsService(role: IamRoleRecord, service: string, accountId: string, nowMs: number): boolean {
  const trust = compilePolicyText(role.roleName, role.assumeRolePolicyDocument, "trust");
  const context = { "aws:sourceaccount": accountId, "aws:currenttime": new Date(nowMs).toISOString(), "aws:epochtime": String(Math.floor(nowMs / 1000)) };
  const decision = evaluateTrust(trust, { arn: service, accountId, service }, { action: "sts:AssumeRole", resource: role.arn, context });
  return decision.effect === "allowed";
}
