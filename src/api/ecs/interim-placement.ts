import type { Failure } from "@aws-sdk/client-ecs";
import type { ContainerInstanceRecord, Remaining, Reservation } from "../../domain/container-instance.js";

/**
 * Interim placement until the placement engine (src/scheduler) is wired in: the first-order ECS
 * filters (status, agent, cpu, memory, ports) with a named reason per rejected instance, then a
 * random pick among those that fit. Pure: randomness is an argument.
 */
export interface Candidate {
  readonly instance: ContainerInstanceRecord;
  remaining: Remaining;
}

export function rejectionReason(c: Candidate, need: Reservation): string | undefined {
  if (c.instance.status === "DRAINING") return "DRAINING";
  if (c.instance.status !== "ACTIVE") return "INACTIVE";
  if (!c.instance.agentConnected) return "AGENT";
  if (c.remaining.cpu < need.cpu) return "RESOURCE:CPU";
  if (c.remaining.memory < need.memory) return "RESOURCE:MEMORY";
  if (need.tcpPorts.some((p) => c.remaining.usedTcp.has(p))) return "RESOURCE:PORTS";
  if (need.udpPorts.some((p) => c.remaining.usedUdp.has(p))) return "RESOURCE:PORTS_UDP";
  return undefined;
}

/** Places `count` copies of `need`, reserving as it goes; failures name each instance's reason. */
export function placeInterim(
  candidates: readonly Candidate[],
  need: Reservation,
  count: number,
  random: () => number,
): { chosen: ContainerInstanceRecord[]; failures: Failure[] } {
  const chosen: ContainerInstanceRecord[] = [];
  for (let i = 0; i < count; i++) {
    const fits = candidates.filter((c) => rejectionReason(c, need) === undefined);
    if (fits.length === 0) break;
    const pick = fits[Math.floor(random() * fits.length)]!;
    pick.remaining = {
      cpu: pick.remaining.cpu - need.cpu,
      memory: pick.remaining.memory - need.memory,
      usedTcp: new Set([...pick.remaining.usedTcp, ...need.tcpPorts]),
      usedUdp: new Set([...pick.remaining.usedUdp, ...need.udpPorts]),
    };
    chosen.push(pick.instance);
  }
  if (chosen.length === count) return { chosen, failures: [] };
  const reasons = candidates.map((c) => ({ arn: c.instance.arn, reason: rejectionReason(c, need) ?? "RESOURCE:MEMORY" }));
  const tally = new Map<string, number>();
  reasons.forEach((r) => tally.set(r.reason, (tally.get(r.reason) ?? 0) + 1));
  const summary = [...tally].map(([reason, n]) => `${reason} on ${n} of ${candidates.length} instances`).join("; ");
  const failures = reasons.map((r) => ({ ...r, detail: `Placed ${chosen.length} of ${count}: ${summary}.` }));
  return { chosen, failures };
}
