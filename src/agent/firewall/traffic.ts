import type { GroupRule } from "../../domain/security-groups/firewall-view.js";

/** What a rule allows apart from its peer: a protocol and its ports (ICMP: type and code). */
export type Traffic = Pick<GroupRule, "protocol" | "fromPort" | "toPort">;

/** The iptables matches for `t`: none for every protocol, `-p` alone for all of a protocol's ports. */
export function trafficMatch(t: Traffic): string[] {
  switch (t.protocol) {
    case "-1":
      return [];
    case "icmp":
      if (t.fromPort === -1) return ["-p", "icmp"];
      return ["-p", "icmp", "--icmp-type", t.toPort === -1 ? `${t.fromPort}` : `${t.fromPort}/${t.toPort}`];
    case "tcp":
    case "udp":
      if (t.fromPort <= 0 && t.toPort >= 65535) return ["-p", t.protocol];
      return ["-p", t.protocol, "--dport", t.fromPort === t.toPort ? `${t.fromPort}` : `${t.fromPort}:${t.toPort}`];
  }
}

/**
 * The traffic both allow, or undefined when none: a connection between two tasks of one agent must
 * be allowed out by the client's groups and in by the server's, and iptables takes one `-p` a rule.
 */
export function intersect(a: Traffic, b: Traffic): Traffic | undefined {
  if (a.protocol === "-1") return b;
  if (b.protocol === "-1") return a;
  if (a.protocol !== b.protocol) return undefined;
  if (a.protocol === "icmp") {
    // Any type means any code, whatever the code says (as trafficMatch reads it).
    const type = either(a.fromPort, b.fromPort);
    const code = either(a.fromPort === -1 ? -1 : a.toPort, b.fromPort === -1 ? -1 : b.toPort);
    return type === undefined || code === undefined ? undefined : { protocol: "icmp", fromPort: type, toPort: code };
  }
  const fromPort = Math.max(a.fromPort, b.fromPort);
  const toPort = Math.min(a.toPort, b.toPort);
  return fromPort <= toPort ? { protocol: a.protocol, fromPort, toPort } : undefined;
}

/** Two ICMP values, -1 for any: the one both allow. */
const either = (x: number, y: number): number | undefined => (x === -1 ? y : y === -1 || x === y ? x : undefined);
