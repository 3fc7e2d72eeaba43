import type { IpProtocol, SecurityGroupRecord, SecurityGroupRule } from "./security-group.js";

/**
 * What an agent needs to enforce security groups: every group's ingress and egress rules, and which
 * addresses are members of which group (the tasks that run with it and have an address). Sent to
 * agents over the agent channel (`firewall` message); an agent protects only its own tasks.
 */
export interface FirewallView {
  // Plain arrays: the agent channel's parsed message is this shape.
  readonly groups: { readonly groupId: string; readonly ingress: GroupRule[]; readonly egress: GroupRule[] }[];
  readonly members: { readonly groupId: string; readonly ips: string[] }[];
}

/** A rule as agents enforce it: protocol, ports, and one peer (the source of ingress, the destination of egress). */
export interface GroupRule {
  readonly protocol: IpProtocol;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidr?: string | undefined;
  readonly groupId?: string | undefined;
}

const octet = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const ipv4 = new RegExp(`^${octet}(\\.${octet}){3}$`);

/** Whether `s` is a dotted IPv4 address: an agent's report is trusted no further than that. */
export const isIpv4 = (s: string): boolean => ipv4.test(s);

/** A task that is a member of security groups: its address and its groups. */
export interface GroupMember {
  readonly ip: string;
  readonly groups: readonly string[];
}

/** The view of `groups` and `members`, in a stable order (equal inputs, equal views). */
export function firewallView(groups: readonly SecurityGroupRecord[], members: Iterable<GroupMember>): FirewallView {
  const byGroup = new Map<string, Set<string>>();
  for (const m of members) for (const g of m.groups) (byGroup.get(g) ?? byGroup.set(g, new Set()).get(g)!).add(m.ip);
  return {
    groups: [...groups]
      .sort((a, b) => a.groupId.localeCompare(b.groupId))
      .map((g) => ({
        groupId: g.groupId,
        ingress: g.ingress.map(groupRule),
        egress: g.egress.map(groupRule),
      })),
    members: [...byGroup]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([groupId, ips]) => ({ groupId, ips: [...ips].sort() })),
  };
}

/** A stored rule without its id and description: what no agent needs. */
const groupRule = (r: SecurityGroupRule): GroupRule => ({
  protocol: r.protocol,
  fromPort: r.fromPort,
  toPort: r.toPort,
  ...(r.cidr !== undefined && { cidr: r.cidr }),
  ...(r.groupId !== undefined && { groupId: r.groupId }),
});
