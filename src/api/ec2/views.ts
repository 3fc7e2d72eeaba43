import type { SecurityGroupRecord, SecurityGroupRule } from "../../domain/security-groups/security-group.js";
import { securityGroupArn } from "../../domain/security-groups/security-group.js";
import type { Partition } from "../../domain/arn.js";

/** A group as DescribeSecurityGroups shows it: rules of one protocol and port range grouped into one IpPermission. */
export function groupView(g: SecurityGroupRecord, p: Partition): Record<string, unknown> {
  return {
    ownerId: g.ownerId,
    groupId: g.groupId,
    groupName: g.groupName,
    groupDescription: g.description,
    vpcId: g.vpcId,
    securityGroupArn: securityGroupArn(p, g.groupId),
    ipPermissions: permissionsView(g.ingress, g.ownerId),
    ipPermissionsEgress: permissionsView(g.egress, g.ownerId),
    tagSet: g.tags.map((t) => ({ key: t.Key, value: t.Value })),
  };
}

function permissionsView(rules: readonly SecurityGroupRule[], ownerId: string): Record<string, unknown>[] {
  const byRange = new Map<string, { head: SecurityGroupRule; rules: SecurityGroupRule[] }>();
  for (const r of rules) {
    const key = `${r.protocol}|${r.fromPort}|${r.toPort}`;
    const entry = byRange.get(key) ?? byRange.set(key, { head: r, rules: [] }).get(key)!;
    entry.rules.push(r);
  }
  return [...byRange.values()].map(({ head, rules: rs }) => ({
    ipProtocol: head.protocol,
    ...(head.protocol !== "-1" && { fromPort: head.fromPort, toPort: head.toPort }),
    groups: rs.filter((r) => r.groupId !== undefined).map((r) => ({ userId: ownerId, groupId: r.groupId, description: r.description })),
    ipRanges: rs.filter((r) => r.cidr !== undefined).map((r) => ({ cidrIp: r.cidr, description: r.description })),
    ipv6Ranges: [],
    prefixListIds: [],
  }));
}

/** A rule as Authorize… answers it (SecurityGroupRule). */
export function ruleView(g: SecurityGroupRecord, r: SecurityGroupRule, isEgress: boolean): Record<string, unknown> {
  return {
    securityGroupRuleId: r.ruleId,
    groupId: g.groupId,
    groupOwnerId: g.ownerId,
    isEgress,
    ipProtocol: r.protocol,
    fromPort: r.fromPort,
    toPort: r.toPort,
    cidrIpv4: r.cidr,
    referencedGroupInfo: r.groupId === undefined ? undefined : { groupId: r.groupId, userId: g.ownerId },
    description: r.description,
  };
}
