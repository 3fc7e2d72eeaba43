import { addressBytes, ipRange } from "../../auth/policy/ip-range.js";
import type { GroupRule } from "../../domain/security-groups/firewall-view.js";

/** Each group's member addresses, from the view. */
export type Members = ReadonlyMap<string, readonly string[]>;

/** The CIDR that stands for every address: a rule with it needs no `-s` / `-d`. */
export const everywhere = "0.0.0.0/0";

/** The addresses a rule's peer stands for, as CIDRs: its block, or its group's members (none for a group without members). */
export function peersOf(rule: GroupRule, members: Members): string[] {
  if (rule.cidr !== undefined) return [rule.cidr];
  if (rule.groupId !== undefined) return (members.get(rule.groupId) ?? []).map((ip) => `${ip}/32`);
  return [];
}

/** Whether the rule's peer (as peersOf reads it) includes `ip`. */
export function covers(rule: GroupRule, ip: string, members: Members): boolean {
  if (rule.cidr !== undefined) {
    const address = addressBytes(ip);
    return address !== undefined && (ipRange(rule.cidr)?.(address) ?? false);
  }
  return rule.groupId !== undefined && (members.get(rule.groupId) ?? []).includes(ip);
}
