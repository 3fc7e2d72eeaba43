import type { FirewallView, IngressRule } from "../../domain/security-groups/firewall-view.js";

/** One of this agent's awsvpc tasks: the address its security groups protect. */
export interface ProtectedTask {
  readonly ip: string;
  readonly groups: readonly string[];
}

/** One iptables rule of the agent's chain, as the arguments after `-A <chain>`. */
export type ChainRule = readonly string[];

const everywhere = "0.0.0.0/0";

/**
 * The agent's security-group chain: replies to connections already allowed pass; for each task,
 * traffic to its address passes (RETURN, on to Docker's own rules) when a rule of one of its groups
 * allows its protocol, port and source, and is dropped otherwise. A rule whose source is a group
 * allows that group's members' addresses; a group the view does not know allows nothing.
 * Pure: equal inputs give equal rules, in a stable order, without duplicates.
 */
export function chainRules(view: FirewallView, tasks: readonly ProtectedTask[]): ChainRule[] {
  if (tasks.length === 0) return [];
  const ingress = new Map(view.groups.map((g) => [g.groupId, g.ingress]));
  const members = new Map(view.members.map((m) => [m.groupId, m.ips]));
  const rules: ChainRule[] = [["-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "RETURN"]];
  const seen = new Set<string>();
  for (const task of [...tasks].sort((a, b) => a.ip.localeCompare(b.ip))) {
    const destination = ["-d", `${task.ip}/32`];
    for (const group of [...new Set(task.groups)].sort()) {
      for (const rule of ingress.get(group) ?? []) {
        for (const source of sourcesOf(rule, members)) {
          const r = [...destination, ...(source === everywhere ? [] : ["-s", source]), ...protocolMatch(rule), "-j", "RETURN"];
          const key = r.join(" ");
          if (seen.has(key)) continue;
          seen.add(key);
          rules.push(r);
        }
      }
    }
    rules.push([...destination, "-j", "DROP"]);
  }
  return rules;
}

function sourcesOf(rule: IngressRule, members: ReadonlyMap<string, readonly string[]>): string[] {
  if (rule.cidr !== undefined) return [rule.cidr];
  if (rule.groupId !== undefined) return (members.get(rule.groupId) ?? []).map((ip) => `${ip}/32`);
  return [];
}

function protocolMatch(rule: IngressRule): string[] {
  switch (rule.protocol) {
    case "-1":
      return [];
    case "icmp":
      if (rule.fromPort === -1) return ["-p", "icmp"];
      return ["-p", "icmp", "--icmp-type", rule.toPort === -1 ? `${rule.fromPort}` : `${rule.fromPort}/${rule.toPort}`];
    case "tcp":
    case "udp":
      if (rule.fromPort <= 0 && rule.toPort >= 65535) return ["-p", rule.protocol];
      return ["-p", rule.protocol, "--dport", rule.fromPort === rule.toPort ? `${rule.fromPort}` : `${rule.fromPort}:${rule.toPort}`];
  }
}
