import type { FirewallView, GroupRule } from "../../domain/security-groups/firewall-view.js";
import { covers, everywhere, peersOf, type Members } from "./peers.js";
import { intersect, trafficMatch } from "./traffic.js";

/** One of this agent's awsvpc tasks: the address its security groups protect. */
export interface ProtectedTask {
  readonly ip: string;
  readonly groups: readonly string[];
}

/**
 * A destination open to a task whatever its groups' egress says, as on ECS, where security groups
 * filter neither the agent's endpoints nor the Amazon DNS server: the credentials and task metadata
 * endpoints (tcp, on host addresses), and the resolvers Docker's embedded DNS forwards the task's
 * queries to (udp and tcp 53, `dns-upstreams.ts`).
 */
export interface OpenDestination {
  readonly ip: string;
  readonly protocol: "tcp" | "udp";
  readonly port: number;
}

/** One iptables rule of the agent's chain, as the arguments after `-A <chain>`. */
export type ChainRule = readonly string[];

/**
 * The agent's security-group chain. Replies to connections already allowed pass, in both directions.
 * Then, per task, traffic TO its address (ingress) passes (RETURN, on to Docker's own rules) when a
 * rule of one of its groups allows its protocol, port and source, and is dropped otherwise. Then,
 * per task, traffic FROM its address (egress) passes when a rule of one of its groups allows its
 * protocol, port and destination, or when it goes to one of the `alwaysOpen` destinations; else it is
 * dropped. A rule whose peer is a group stands for that group's members' addresses; a group the
 * view does not know allows nothing. A task whose egress allows everything (EC2's default rule) has
 * no egress rules: the chain is what it was before egress was enforced.
 *
 * A RETURN ends the chain: traffic between two tasks of this agent is decided in the server's
 * ingress section, so there, before its ingress rules, a client whose egress does not allow
 * everything to the server gets the rules both allow (`intersect`) and a DROP.
 * Pure: equal inputs give equal rules, in a stable order, without duplicates.
 */
export function chainRules(view: FirewallView, tasks: readonly ProtectedTask[], alwaysOpen: readonly OpenDestination[] = []): ChainRule[] {
  if (tasks.length === 0) return [];
  const groups = new Map(view.groups.map((g) => [g.groupId, g]));
  const members: Members = new Map(view.members.map((m) => [m.groupId, m.ips]));
  const rulesOf = (task: ProtectedTask, direction: "ingress" | "egress"): GroupRule[] => [...new Set(task.groups)].sort().flatMap((g) => groups.get(g)?.[direction] ?? []);
  const sorted = [...tasks].sort((a, b) => a.ip.localeCompare(b.ip));
  const out = new RuleList();
  out.add(["-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "RETURN"]);
  for (const server of sorted) {
    const to = ["-d", `${server.ip}/32`];
    const ingress = rulesOf(server, "ingress");
    for (const client of sorted) {
      if (client.ip === server.ip) continue;
      const egress = rulesOf(client, "egress");
      if (egress.some((e) => e.protocol === "-1" && covers(e, server.ip, members))) continue;
      const admitted = ingress.filter((i) => covers(i, client.ip, members));
      // Not admitted: the server's DROP below drops it.
      if (admitted.length === 0) continue;
      const from = ["-s", `${client.ip}/32`];
      for (const e of egress.filter((e) => covers(e, server.ip, members))) {
        for (const i of admitted) {
          const both = intersect(i, e);
          if (both !== undefined) out.add([...to, ...from, ...trafficMatch(both), "-j", "RETURN"]);
        }
      }
      out.add([...to, ...from, "-j", "DROP"]);
    }
    for (const rule of ingress) {
      for (const source of peersOf(rule, members)) out.add([...to, ...(source === everywhere ? [] : ["-s", source]), ...trafficMatch(rule), "-j", "RETURN"]);
    }
    out.add([...to, "-j", "DROP"]);
  }
  for (const client of sorted) {
    const egress = rulesOf(client, "egress");
    if (egress.some((e) => e.protocol === "-1" && e.cidr === everywhere)) continue;
    const from = ["-s", `${client.ip}/32`];
    for (const d of alwaysOpen) out.add([...from, "-d", `${d.ip}/32`, "-p", d.protocol, "--dport", `${d.port}`, "-j", "RETURN"]);
    for (const rule of egress) {
      for (const destination of peersOf(rule, members)) out.add([...from, ...(destination === everywhere ? [] : ["-d", destination]), ...trafficMatch(rule), "-j", "RETURN"]);
    }
    out.add([...from, "-j", "DROP"]);
  }
  return out.rules;
}

/** Rules in the order added, each once: two groups allowing the same thing give one rule. */
class RuleList {
  readonly rules: ChainRule[] = [];
  private readonly seen = new Set<string>();
  add(rule: ChainRule): void {
    const key = rule.join(" ");
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.rules.push(rule);
  }
}
