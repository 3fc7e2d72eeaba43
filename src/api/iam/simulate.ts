import { policiesOf } from "../../auth/iam-directory.js";
import { evaluate } from "../../auth/policy/evaluate.js";
import { emptyPolicySet } from "../../auth/policy/policy-set.js";
import { requestContext } from "../../auth/request-context.js";
import { parseIamArn } from "../../domain/arn.js";
import { AwsError } from "../../errors/catalog.js";
import { iamKey } from "../../state/iam-records.js";
import type { QueryOperation } from "../aws-query/service.js";
import type { IamDeps } from "./deps.js";
import { optionalList, required, rules } from "./params.js";

/**
 * SimulatePrincipalPolicy (`aws iam simulate-principal-policy`): what a user's or role's policies
 * decide for actions on resources, and which statement decided. `MatchedStatements[].SourcePolicyId`
 * is the inline policy's name or the managed policy's ARN, followed by `#<Sid>` when the statement
 * has one; `StartPosition.Line` is Berth's own reading: the statement's number in its policy
 * (1-based), not a line of the document. Context entries (`aws:SourceIp`, `ecs:cluster`…) stand
 * in for a request's own keys.
 */
export function simulateOperations(deps: IamDeps): Record<string, QueryOperation> {
  return {
    SimulatePrincipalPolicy: {
      resource: (params) => (typeof params.PolicySourceArn === "string" ? params.PolicySourceArn : "*"),
      handle: async (params, ctx) => {
        const source = required(params, "PolicySourceArn", rules.arn);
        const actions = optionalList(params, "ActionNames", { min: 3, max: 128 }) ?? [];
        if (actions.length === 0) throw new AwsError("ValidationException", "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null");
        const resources = optionalList(params, "ResourceArns", { min: 1, max: 2048 }) ?? ["*"];
        const parsed = parseIamArn(source);
        const identity = await deps.store.read(async (tx) => {
          const record =
            parsed?.type === "user" ? await tx.iam.users.get(iamKey(parsed.name)) : parsed?.type === "role" ? await tx.iam.roles.get(iamKey(parsed.name)) : undefined;
          if (!record || record.arn !== source) throw new AwsError("NoSuchEntity", `PolicySourceArn ${source} does not name a user or role of this account.`);
          return { record, policies: await policiesOf(tx.iam, record) };
        });
        const entries = Array.isArray(params.ContextEntries) ? params.ContextEntries : [];
        const given: Record<string, string | string[]> = {};
        for (const e of entries) {
          const o = typeof e === "object" && e !== null ? (e as Record<string, unknown>) : {};
          const key = required(o, "ContextKeyName", { min: 5, max: 256 });
          given[key.toLowerCase()] = optionalList(o, "ContextKeyValues", { min: 0, max: 1024 }) ?? [];
        }
        const tags = Object.fromEntries(identity.record.tags.map((t) => [t.Key, t.Value]));
        const base = requestContext(
          parsed?.type === "user"
            ? { kind: "user", accessKeyId: "", arn: source, userName: parsed.name, userId: "", policies: emptyPolicySet, tags }
            : { kind: "assumed-role", accessKeyId: "", arn: source, roleArn: source, roleName: parsed?.type === "role" ? parsed.name : "", roleId: "", sessionName: "simulation", policies: emptyPolicySet, tags },
          { ...ctx.facts, sourceIp: undefined },
          ctx.partition.accountId,
        );
        const context = { ...base, ...Object.fromEntries(Object.entries(given).map(([k, v]) => [k, v.length === 1 ? v[0]! : v])) };
        const results = actions.flatMap((action) =>
          resources.map((resource) => {
            const d = evaluate(identity.policies, { action, resource, context });
            return {
              EvalActionName: action,
              EvalResourceName: resource,
              EvalDecision: d.effect,
              MatchedStatements:
                d.effect === "implicitDeny"
                  ? []
                  : [
                      {
                        SourcePolicyId: d.by.sid === undefined ? d.by.policy : `${d.by.policy}#${d.by.sid}`,
                        SourcePolicyType: d.by.policy.startsWith("arn:") ? "user-managed" : parsed?.type === "user" ? "user" : "role",
                        StartPosition: { Line: d.by.index + 1, Column: 1 },
                      },
                    ],
              MissingContextValues: [],
            };
          }),
        );
        return { EvaluationResults: results, IsTruncated: false };
      },
    },
  };
}
