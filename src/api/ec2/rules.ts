import { AwsError } from "../../errors/catalog.js";
import { berthVpcId, newRuleId, ruleKey, securityGroupArn, type SecurityGroupRecord, type SecurityGroupRule } from "../../domain/security-groups/security-group.js";
import type { WriteTx } from "../../state/store.js";
import type { QueryOperation } from "../aws-query/service.js";
import type { Ec2Deps } from "./deps.js";
import { checkGroupId, groupNotFound, namedGroup } from "./lookups.js";
import { requestedRules, ruleText, type RequestedRule } from "./permissions.js";
import type { Params } from "./params.js";
import { ruleView } from "./views.js";

/** EC2's default quota of rules per direction of a group. */
const maxRules = 60;

type Direction = "ingress" | "egress";

/** Authorize/RevokeSecurityGroupIngress and …Egress: a group's rules, one source each. */
export function ruleOperations(deps: Ec2Deps): Record<string, QueryOperation> {
  const op = (direction: Direction, change: "authorize" | "revoke"): QueryOperation => ({
    resource: (params, p) => (typeof params.GroupId === "string" && params.GroupId !== "" ? securityGroupArn(p, params.GroupId) : "*"),
    handle: async (p, ctx) => {
      const vpcId = berthVpcId(ctx.partition.accountId);
      const requested = requestedRules(p);
      const result = await deps.store.write(async (tx) => {
        const group = await namedGroup(tx, egressNeedsId(p, direction), vpcId);
        const rules = await Promise.all(requested.map((r) => resolve(tx, r)));
        return change === "authorize" ? authorize(tx, group, direction, rules) : revoke(tx, group, direction, rules);
      });
      deps.changed();
      return change === "authorize" ? { return: true, securityGroupRuleSet: result.map((r) => ruleView(r.group, r.rule, direction === "egress")) } : { return: true };
    },
  });
  return {
    AuthorizeSecurityGroupIngress: op("ingress", "authorize"),
    RevokeSecurityGroupIngress: op("ingress", "revoke"),
    AuthorizeSecurityGroupEgress: op("egress", "authorize"),
    RevokeSecurityGroupEgress: op("egress", "revoke"),
  };
}

/** Egress calls name their group by GroupId alone, as EC2's model has it. */
function egressNeedsId(p: Params, direction: Direction): Params {
  if (direction === "egress" && (typeof p.GroupId !== "string" || p.GroupId === "")) throw new AwsError("MissingParameter", "The request must contain the parameter groupId");
  return p;
}

/** The request's source group, by id or by name, as a stored group's id. */
async function resolve(tx: WriteTx, r: RequestedRule): Promise<Omit<SecurityGroupRule, "ruleId">> {
  const { group, ...rest } = r;
  if (group === undefined) return rest;
  if (group.id !== undefined) {
    if (!(await tx.securityGroups.get(checkGroupId(group.id)))) throw groupNotFound(group.id);
    return { ...rest, groupId: group.id };
  }
  const byName = await tx.securityGroups.byName(group.name ?? "");
  if (!byName) throw groupNotFound(group.name ?? "");
  return { ...rest, groupId: byName.groupId };
}

async function authorize(tx: WriteTx, group: SecurityGroupRecord, direction: Direction, rules: readonly Omit<SecurityGroupRule, "ruleId">[]) {
  const existing = new Set(group[direction].map(ruleKey));
  const added: SecurityGroupRule[] = [];
  for (const r of rules) {
    const key = ruleKey(r);
    if (existing.has(key)) throw new AwsError("InvalidPermission.Duplicate", `the specified rule "${ruleText(r)}" already exists`);
    existing.add(key);
    added.push({ ...r, ruleId: newRuleId() });
  }
  if (group[direction].length + added.length > maxRules) throw new AwsError("RulesPerSecurityGroupLimitExceeded", `The maximum number of rules per security group (${maxRules} per direction) has been reached.`);
  const next = { ...group, [direction]: [...group[direction], ...added], version: group.version + 1 };
  await tx.securityGroups.put(next);
  return added.map((rule) => ({ group: next, rule }));
}

async function revoke(tx: WriteTx, group: SecurityGroupRecord, direction: Direction, rules: readonly Omit<SecurityGroupRule, "ruleId">[]) {
  const gone = new Set(rules.map(ruleKey));
  for (const r of rules) {
    if (!group[direction].some((x) => ruleKey(x) === ruleKey(r))) throw new AwsError("InvalidPermission.NotFound", `The specified rule does not exist in this security group: ${ruleText(r)}.`);
  }
  await tx.securityGroups.put({ ...group, [direction]: group[direction].filter((x) => !gone.has(ruleKey(x))), version: group.version + 1 });
  return [];
}
