import { AwsError } from "../../errors/catalog.js";
import { allOutbound, berthVpcId, defaultGroupName, newGroupId, securityGroupArn, type SecurityGroupRecord } from "../../domain/security-groups/security-group.js";
import { excerpt } from "../../observability/excerpt.js";
import type { QueryOperation } from "../aws-query/service.js";
import type { Ec2Deps } from "./deps.js";
import { checkGroupId, groupNotFound, namedGroup } from "./lookups.js";
import { invalidValue, optInt, optString, reqString, stringList, structList, type Params } from "./params.js";
import { groupView } from "./views.js";

/** EC2's default quota of security groups per VPC. */
const maxGroups = 2500;

const groupResource = (params: Params, p: { region: string; accountId: string }): string => {
  const id = params.GroupId;
  return typeof id === "string" && id !== "" ? securityGroupArn(p, id) : "*";
};

/** What a VPC security group's name and description may hold (EC2's rule for VPCs). */
const vpcCharacters = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;

/** CreateSecurityGroup, DescribeSecurityGroups, DeleteSecurityGroup: the groups of the account's one VPC. */
export function securityGroupOperations(deps: Ec2Deps): Record<string, QueryOperation> {
  return {
    CreateSecurityGroup: {
      handle: async (p, ctx) => {
        const vpcId = berthVpcId(ctx.partition.accountId);
        const name = reqString(p, "GroupName");
        const description = reqString(p, "GroupDescription");
        if (name.length > 255 || description.length > 255) throw invalidValue("GroupName and GroupDescription are at most 255 characters.");
        if (!vpcCharacters.test(name) || !vpcCharacters.test(description)) throw invalidValue("GroupName and GroupDescription may hold only a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*.");
        if (name.startsWith("sg-")) throw invalidValue("Group names may not be in the format sg-*.");
        const vpc = optString(p, "VpcId");
        if (vpc !== undefined && vpc !== vpcId) throw new AwsError("InvalidVpcID.NotFound", `The vpc ID '${excerpt(vpc, 64)}' does not exist: Berth's one VPC is ${vpcId}.`);
        const tags = tagsOf(p);
        const group: SecurityGroupRecord = {
          groupId: newGroupId(),
          groupName: name,
          description,
          vpcId,
          ownerId: ctx.partition.accountId,
          ingress: [],
          egress: [allOutbound()],
          tags,
          createdAtMs: ctx.nowMs,
          version: 1,
        };
        await deps.store.write(async (tx) => {
          if (await tx.securityGroups.byName(name)) throw new AwsError("InvalidGroup.Duplicate", `The security group '${excerpt(name, 255)}' already exists for VPC '${vpcId}'`);
          if ((await tx.securityGroups.list()).length >= maxGroups) throw new AwsError("SecurityGroupLimitExceeded", `The maximum number of security groups (${maxGroups}) has been reached.`);
          await tx.securityGroups.put(group);
        });
        return { groupId: group.groupId, tagSet: tags.map((t) => ({ key: t.Key, value: t.Value })), securityGroupArn: securityGroupArn(ctx.partition, group.groupId) };
      },
    },
    DescribeSecurityGroups: {
      handle: async (p, ctx) => {
        const ids = stringList(p, "GroupId").map(checkGroupId);
        const names = stringList(p, "GroupName");
        const filters = structList(p, "Filter").map(filterOf);
        const max = optInt(p, "MaxResults");
        if (max !== undefined && (max < 5 || max > 1000)) throw invalidValue(`MaxResults must be from 5 to 1000; got ${max}.`);
        if (max !== undefined && (ids.length > 0 || names.length > 0)) throw new AwsError("InvalidParameterCombination", "The parameter MaxResults cannot be used with GroupIds or GroupNames.");
        const after = optString(p, "NextToken");
        const all = await deps.store.read((tx) => tx.securityGroups.list());
        for (const id of ids) if (!all.some((g) => g.groupId === id)) throw groupNotFound(id);
        const vpcId = berthVpcId(ctx.partition.accountId);
        for (const n of names) if (!all.some((g) => g.groupName === n)) throw new AwsError("InvalidGroup.NotFound", `The security group '${excerpt(n, 255)}' does not exist in default VPC '${vpcId}'`);
        const chosen = all.filter(
          (g) => (ids.length === 0 || ids.includes(g.groupId)) && (names.length === 0 || names.includes(g.groupName)) && filters.every((f) => f(g)) && (after === undefined || g.groupId > after),
        );
        const page = max === undefined ? chosen : chosen.slice(0, max);
        const more = max !== undefined && chosen.length > max;
        return { securityGroupInfo: page.map((g) => groupView(g, ctx.partition)), nextToken: more ? page.at(-1)?.groupId : undefined };
      },
    },
    DeleteSecurityGroup: {
      resource: groupResource,
      handle: async (p, ctx) => {
        const vpcId = berthVpcId(ctx.partition.accountId);
        const deleted = await deps.store.write(async (tx) => {
          const group = await namedGroup(tx, p, vpcId);
          if (group.groupName === defaultGroupName) {
            throw new AwsError("CannotDelete", `the specified group: "${group.groupId}" name: "default" cannot be deleted by a user`);
          }
          if (deps.inUse(group.groupId)) throw new AwsError("DependencyViolation", `resource ${group.groupId} has a dependent object: a task runs with it`);
          const referrer = (await tx.securityGroups.list()).find((g) => g.groupId !== group.groupId && [...g.ingress, ...g.egress].some((r) => r.groupId === group.groupId));
          if (referrer) throw new AwsError("DependencyViolation", `resource ${group.groupId} has a dependent object: a rule of ${referrer.groupId} names it`);
          await tx.securityGroups.delete(group.groupId);
          return group.groupId;
        });
        deps.changed();
        return { return: true, groupId: deleted };
      },
    },
  };
}

const filterNames: Readonly<Record<string, (g: SecurityGroupRecord) => string>> = {
  "group-id": (g) => g.groupId,
  "group-name": (g) => g.groupName,
  description: (g) => g.description,
  "vpc-id": (g) => g.vpcId,
  "owner-id": (g) => g.ownerId,
};

/** One of DescribeSecurityGroups' filters: a name EC2 knows and its values (any may match; `*` and `?` are wildcards, as in EC2). */
function filterOf(f: Params): (g: SecurityGroupRecord) => boolean {
  const name = reqString(f, "Name");
  const values = stringList(f, "Value");
  const tag = name.startsWith("tag:") ? name.slice(4) : undefined;
  const field = Object.hasOwn(filterNames, name) ? filterNames[name] : undefined;
  if (field === undefined && tag === undefined) throw invalidValue(`The filter '${excerpt(name, 64)}' is invalid: Berth filters on group-id, group-name, description, vpc-id, owner-id and tag:<key>.`);
  const patterns = values.map(wildcard);
  const valueOf = (g: SecurityGroupRecord): string | undefined => (field ? field(g) : g.tags.find((t) => t.Key === tag)?.Value);
  return (g) => {
    const v = valueOf(g);
    return v !== undefined && patterns.some((re) => re.test(v));
  };
}

const wildcard = (v: string): RegExp => new RegExp(`^${v.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "s");

/** TagSpecification.N with ResourceType security-group and Tag.M.Key/Value. */
function tagsOf(p: Params): { Key: string; Value: string }[] {
  const tags: { Key: string; Value: string }[] = [];
  for (const spec of structList(p, "TagSpecification")) {
    const type = optString(spec, "ResourceType");
    if (type !== undefined && type !== "security-group") throw invalidValue(`'${excerpt(type, 64)}' is not a valid taggable resource type for this operation.`);
    for (const t of structList(spec, "Tag")) {
      const key = reqString(t, "Key");
      if (key.length > 128 || key.startsWith("aws:")) throw invalidValue(`Tag key '${excerpt(key, 64)}' is invalid: at most 128 characters, not starting with aws:.`);
      tags.push({ Key: key, Value: optString(t, "Value") ?? "" });
    }
  }
  if (tags.length > 50) throw invalidValue("A resource takes at most 50 tags.");
  return tags;
}
