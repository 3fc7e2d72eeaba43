import { groupsOf, managedPolicy, policiesOf } from "../../auth/iam-directory.js";
import { compilePolicyText, type CompiledPolicy } from "../../auth/policy/compile.js";
import { emptyPolicySet } from "../../auth/policy/policy-set.js";
import type { Principal } from "../../auth/principal.js";
import { requestContext } from "../../auth/request-context.js";
import { parseIamArn } from "../../domain/arn.js";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { iamKey, type IamGroupRecord, type IamRoleRecord, type IamUserRecord } from "../../state/iam-records.js";
import type { QueryContext, QueryOperation } from "../aws-query/service.js";
import type { IamDeps } from "./deps.js";
import { optional, optionalInt, optionalList, required, rules } from "./params.js";
import { simulate, type EvaluationResult, type SimulatedPolicy } from "./simulation.js";

/**
 * The policy simulator: SimulatePrincipalPolicy (a user's, group's or role's own policies (a user's
 * groups' too), plus any in `PolicyInputList`) and SimulateCustomPolicy (only the policies given). The context holds the
 * principal's own keys (`aws:username`, `aws:userid`, `aws:PrincipalArn`, `aws:PrincipalTag/…`) and
 * the `ContextEntries`; keys of a live request (`aws:SourceIp`, `aws:RequestedRegion`,
 * `aws:CurrentTime`…) are only what the caller gives, and a condition that needs one it lacks is
 * reported in `MissingContextValues`, as IAM does.
 */
export function simulateOperations(deps: IamDeps): Record<string, QueryOperation> {
  return {
    SimulatePrincipalPolicy: {
      resource: (params) => (typeof params.PolicySourceArn === "string" ? params.PolicySourceArn : "*"),
      handle: async (params, ctx) => {
        const source = required(params, "PolicySourceArn", rules.arn);
        const request = simulationRequest(params);
        const parsed = parseIamArn(source);
        const identity = await deps.store.read(async (tx) => {
          const record: IamUserRecord | IamRoleRecord | IamGroupRecord | undefined =
            parsed?.type === "user"
              ? await tx.iam.users.get(iamKey(parsed.name))
              : parsed?.type === "role"
                ? await tx.iam.roles.get(iamKey(parsed.name))
                : parsed?.type === "group"
                  ? await tx.iam.groups.get(iamKey(parsed.name))
                  : undefined;
          if (!record || record.arn !== source) throw new AwsError("NoSuchEntity", `PolicySourceArn ${excerpt(source)} does not name a user, group or role of this account.`);
          const typed = (type: "user" | "group" | "role") => (policy: CompiledPolicy): SimulatedPolicy => ({ policy, type: managedType(policy) ?? type });
          const own = (await policiesOf(tx.iam, record)).map(typed("userName" in record ? "user" : "groupName" in record ? "group" : "role"));
          // A group: its own policies only, as IAM simulates one (no member, so no principal's keys and no boundary).
          if ("groupName" in record) return { record, own, boundary: undefined };
          const groups = "userName" in record ? await groupsOf(tx.iam, record.userName) : [];
          for (const g of groups) own.push(...(await policiesOf(tx.iam, g)).map(typed("group")));
          const bound = record.permissionsBoundary === undefined ? undefined : await managedPolicy(tx.iam, record.permissionsBoundary);
          const boundary = record.permissionsBoundary === undefined ? undefined : bound ? [typed("user")(bound)] : [];
          return { record, own, boundary };
        });
        const own = identity.own;
        const record = identity.record;
        const context = { ...("groupName" in record ? {} : principalKeys(simulatedPrincipal(record), ctx)), ...request.context };
        // Boundaries given in the request stand in for the principal's own, as in IAM.
        const boundary = request.boundary ?? identity.boundary;
        return page(simulate({ ...request, policies: [...own, ...request.extra], boundary, context }), params);
      },
    },
    SimulateCustomPolicy: {
      resource: () => "*",
      handle: (params) => {
        const request = simulationRequest(params);
        if (request.extra.length === 0) throw new AwsError("ValidationException", "1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null");
        return Promise.resolve(page(simulate({ ...request, policies: request.extra }), params));
      },
    },
  };
}

const contextKeyTypes = new Set(["string", "stringList", "numeric", "numericList", "boolean", "booleanList", "ip", "ipList", "binary", "binaryList", "date", "dateList"]);

/** What both operations read: actions, resources, context entries and the policies given as text. */
function simulationRequest(params: Readonly<Record<string, unknown>>) {
  const actions = optionalList(params, "ActionNames", { min: 3, max: 128 }) ?? [];
  if (actions.length === 0) throw new AwsError("ValidationException", "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null");
  const resources = optionalList(params, "ResourceArns", { min: 1, max: 2048 }) ?? [];
  const context: Record<string, string | string[]> = {};
  const entries = params.ContextEntries;
  if (entries !== undefined && entries !== "" && !Array.isArray(entries)) throw new AwsError("ValidationException", "1 validation error detected: Value at 'contextEntries' failed to satisfy constraint: Member must be a list");
  for (const e of Array.isArray(entries) ? entries : []) {
    const o = typeof e === "object" && e !== null ? (e as Record<string, unknown>) : {};
    const key = required(o, "ContextKeyName", { min: 5, max: 256 });
    const type = optional(o, "ContextKeyType", { max: 16 });
    if (type !== undefined && !contextKeyTypes.has(type)) {
      throw new AwsError("ValidationException", `1 validation error detected: Value '${excerpt(type)}' at 'contextEntries.member.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set: [${[...contextKeyTypes].join(", ")}]`);
    }
    const values = optionalList(o, "ContextKeyValues", { min: 0, max: 1024 }) ?? [];
    context[key.toLowerCase()] = values.length === 1 ? values[0]! : values;
  }
  const texts = optionalList(params, "PolicyInputList", rules.document) ?? [];
  const extra = texts.map((text, i): SimulatedPolicy => ({ policy: compileInput(`PolicyInputList.${i + 1}`, text), type: "none" }));
  const boundaryTexts = optionalList(params, "PermissionsBoundaryPolicyInputList", rules.document);
  const boundary = boundaryTexts?.map((text, i): SimulatedPolicy => ({ policy: compileInput(`PermissionsBoundaryPolicyInputList.${i + 1}`, text), type: "none" }));
  return { actions, resources: resources.length > 0 ? resources : ["*"], context, extra, boundary: boundary?.length ? boundary : undefined };
}

/** A policy given to the simulator: a document IAM would refuse is InvalidInput (the simulator's declared error), in the checker's words. */
function compileInput(name: string, text: string): CompiledPolicy {
  try {
    return compilePolicyText(name, text, "identity");
  } catch (err) {
    throw new AwsError("InvalidInput", `${name}: ${err instanceof Error ? err.message : "the policy document is not valid"}`);
  }
}

const managedType = (policy: CompiledPolicy): "aws-managed" | "user-managed" | undefined =>
  !policy.name.startsWith("arn:") ? undefined : policy.name.startsWith("arn:aws:iam::aws:") ? "aws-managed" : "user-managed";

/** The principal whose keys the simulation knows: the user itself, or a session of the role. */
function simulatedPrincipal(record: IamUserRecord | IamRoleRecord): Principal {
  const tags = Object.fromEntries(record.tags.map((t) => [t.Key, t.Value]));
  if ("userName" in record) return { kind: "user", accessKeyId: "", arn: record.arn, userName: record.userName, userId: record.userId, policies: emptyPolicySet, tags };
  return { kind: "assumed-role", accessKeyId: "", arn: record.arn, roleArn: record.arn, roleName: record.roleName, roleId: record.roleId, sessionName: "simulation", policies: emptyPolicySet, tags };
}

/** Keys only a live request has: the simulation takes them from ContextEntries or reports them missing. */
const requestOnlyKeys = ["aws:requestedregion", "aws:currenttime", "aws:epochtime", "aws:securetransport", "aws:sourceip"];

function principalKeys(principal: Principal, ctx: QueryContext): Record<string, string | readonly string[] | undefined> {
  const keys = { ...requestContext(principal, { ...ctx.facts, serviceKeys: undefined }, ctx.partition.accountId) };
  for (const k of requestOnlyKeys) delete keys[k];
  return keys;
}

/** `MaxItems` and `Marker` (the index of the next result) over the results. */
function page(results: readonly EvaluationResult[], params: Readonly<Record<string, unknown>>) {
  const max = optionalInt(params, "MaxItems", 1, 1000) ?? 100;
  const marker = optional(params, "Marker", { min: 1, max: 320 });
  const start = marker === undefined ? 0 : /^\d{1,6}$/.test(marker) && Number(marker) < results.length ? Number(marker) : undefined;
  if (start === undefined) throw new AwsError("InvalidInput", `Marker ${excerpt(marker ?? "")} is not one this simulation returned.`);
  const end = Math.min(results.length, start + max);
  return { EvaluationResults: results.slice(start, end), IsTruncated: end < results.length, ...(end < results.length && { Marker: String(end) }) };
}
