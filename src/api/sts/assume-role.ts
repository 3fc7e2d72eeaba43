import { decide } from "../../auth/authorize.js";
import { compilePolicyText } from "../../auth/policy/compile.js";
import { evaluateTrust } from "../../auth/policy/evaluate.js";
import { requestContext } from "../../auth/request-context.js";
import { parseIamArn } from "../../domain/arn.js";
import { AwsError } from "../../errors/catalog.js";
import { iamKey } from "../../state/iam-records.js";
import type { QueryOperation } from "../aws-query/service.js";
import type { IamDeps } from "../iam/deps.js";
import { issueSession } from "./issue-session.js";
import { optional, optionalInt, required, rules } from "../iam/params.js";

/**
 * STS AssumeRole: temporary credentials (an `ASIA…` key, its secret, a session token, an expiry)
 * for a session of a role. The role's trust policy decides: a statement naming the caller itself
 * is enough; one naming the caller's account (or `*`) delegates to the caller's own policies,
 * which must then allow `sts:AssumeRole` on the role too. An explicit deny in either refuses.
 */
export function assumeRoleOperation(deps: IamDeps): QueryOperation {
  return {
    authorization: "itself",
    handle: async (params, ctx) => {
      const roleArn = required(params, "RoleArn", rules.arn);
      const sessionName = required(params, "RoleSessionName", rules.sessionName);
      const durationS = optionalInt(params, "DurationSeconds", 900, 43200) ?? 3600;
      if (params.Policy !== undefined || params.PolicyArns !== undefined) {
        throw new AwsError("ValidationException", "Berth does not support session policies (Policy, PolicyArns) yet: leave them out, and scope the role's own policies instead.");
      }
      optional(params, "ExternalId", { min: 2, max: 1224 });
      const { principal, partition } = ctx;
      const request = { action: "sts:AssumeRole", resource: roleArn };
      const denied = () =>
        new AwsError("AccessDeniedException", `User: ${principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
      const parsed = parseIamArn(roleArn);
      const role = parsed?.type === "role" ? await deps.store.read((tx) => tx.iam.roles.get(iamKey(parsed.name))) : undefined;
      if (!role || role.arn !== roleArn) throw denied();
      if (principal.kind === "agent") throw denied();
      const caller = { arn: principal.kind === "assumed-role" ? principal.roleArn : principal.arn, accountId: partition.accountId };
      const context = requestContext(principal, ctx.facts, partition.accountId);
      const trust = evaluateTrust(compilePolicyText(role.roleName, role.assumeRolePolicyDocument, "trust"), caller, { ...request, context });
      if (trust.effect !== "allowed") throw denied();
      const own = decide(principal, request, ctx.facts, partition.accountId);
      if (own.effect === "explicitDeny" || (trust.match === "account" && own.effect !== "allowed")) throw denied();
      if (durationS > role.maxSessionDurationS) {
        throw new AwsError("ValidationException", `The requested DurationSeconds exceeds the MaxSessionDuration set for this role (${role.maxSessionDurationS} seconds).`);
      }

      const credentials = await issueSession(deps, role, sessionName, ctx.nowMs, ctx.nowMs + durationS * 1000);
      return {
        Credentials: credentials,
        AssumedRoleUser: { AssumedRoleId: `${role.roleId}:${sessionName}`, Arn: `arn:aws:sts::${partition.accountId}:assumed-role/${role.roleName}/${sessionName}` },
      };
    },
  };
}
