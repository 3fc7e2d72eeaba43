import { createHash, randomBytes } from "node:crypto";
import type { Partition } from "../arn.js";

/**
 * Security groups as Berth keeps them (EC2's model, migration 17): a group's rules are stored one
 * source each (EC2's SecurityGroupRule), and grouped back into IpPermissions when described.
 */

/** `-1` is every protocol (and every port); ICMP's "ports" are its type and code. */
export type IpProtocol = "tcp" | "udp" | "icmp" | "-1";

/** One rule: a protocol, a port range, and one source (ingress) or destination (egress). */
export interface SecurityGroupRule {
  readonly ruleId: string;
  readonly protocol: IpProtocol;
  /** Inclusive range; -1 and -1 for protocol `-1` (and ICMP's "any type"). */
  readonly fromPort: number;
  readonly toPort: number;
  /** Exactly one of cidr and groupId is set. */
  readonly cidr?: string | undefined;
  /** Another (or the same) security group: its members' addresses. */
  readonly groupId?: string | undefined;
  readonly description?: string | undefined;
}

export interface SecurityGroupRecord {
  readonly groupId: string;
  readonly groupName: string;
  readonly description: string;
  readonly vpcId: string;
  readonly ownerId: string;
  readonly ingress: readonly SecurityGroupRule[];
  readonly egress: readonly SecurityGroupRule[];
  readonly tags: readonly { readonly Key: string; readonly Value: string }[];
  readonly createdAtMs: number;
  /** Bumped by every save; a save over another version throws VersionConflictError. */
  readonly version: number;
}

/** What makes two rules the same rule (EC2 refuses a duplicate, revokes by it). */
export const ruleKey = (r: Omit<SecurityGroupRule, "ruleId" | "description">): string =>
  `${r.protocol}|${r.fromPort}|${r.toPort}|${r.cidr ?? ""}|${r.groupId ?? ""}`;

/** The name of the group every VPC has: its members may reach each other on anything. */
export const defaultGroupName = "default";

/** The one VPC Berth models per account: its id is fixed by the account, so it survives restarts without being stored. */
export const berthVpcId = (accountId: string): string => `vpc-${createHash("sha256").update(`berth-vpc:${accountId}`).digest("hex").slice(0, 17)}`;

export const securityGroupArn = (p: Partition, groupId: string): string => `arn:aws:ec2:${p.region}:${p.accountId}:security-group/${groupId}`;

/** EC2's id shapes: 17 hex digits after the prefix. */
export const newGroupId = (): string => `sg-${randomBytes(9).toString("hex").slice(0, 17)}`;
export const newRuleId = (): string => `sgr-${randomBytes(9).toString("hex").slice(0, 17)}`;

/** The `default` group of the account's VPC, as EC2 makes it: its members reach each other on anything; everything out. */
export function defaultGroup(p: Partition, groupId: string, nowMs: number): SecurityGroupRecord {
  return {
    groupId,
    groupName: defaultGroupName,
    description: "default VPC security group",
    vpcId: berthVpcId(p.accountId),
    ownerId: p.accountId,
    ingress: [{ ruleId: newRuleId(), protocol: "-1", fromPort: -1, toPort: -1, groupId }],
    egress: [allOutbound()],
    tags: [],
    createdAtMs: nowMs,
    version: 1,
  };
}

/** The egress rule every new group starts with. */
export const allOutbound = (): SecurityGroupRule => ({ ruleId: newRuleId(), protocol: "-1", fromPort: -1, toPort: -1, cidr: "0.0.0.0/0" });
