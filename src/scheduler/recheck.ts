import type { Placement } from "./types.js";

/** An instance as the store has it inside the write: what is left, and the host ports in use for it. */
export interface InstanceInStore {
  readonly remainingCpu: number;
  readonly remainingMemory: number;
  /** Static host ports held on the instance or on any instance whose host ports are its own too. */
  readonly usedTcp: ReadonlySet<number>;
  readonly usedUdp: ReadonlySet<number>;
  /** Instances (by id) whose host ports are this one's too: a port taken here is taken there. */
  readonly hostSiblings: readonly string[];
}

export interface Recheck {
  readonly accepted: readonly Placement[];
  /** Placements that no longer fit: the plan was made from a view behind the store. */
  readonly refused: readonly Placement[];
}

/**
 * The plan applier's check, as Nomad's applier re-checks a plan against the latest state: each
 * placement, in order, must still fit its instance's CPU, memory and host ports as the store holds
 * them now, counting the placements accepted before it. Only resources are re-checked; constraints
 * and strategies were the planner's decision.
 */
export function recheckPlacements(
  placements: readonly Placement[],
  need: { readonly cpu: number; readonly memory: number },
  instances: ReadonlyMap<string, InstanceInStore>,
): Recheck {
  const left = new Map<string, { cpu: number; memory: number; tcp: Set<number>; udp: Set<number> }>();
  const of = (id: string) => {
    let l = left.get(id);
    const s = instances.get(id);
    if (!l && s) {
      l = { cpu: s.remainingCpu, memory: s.remainingMemory, tcp: new Set(s.usedTcp), udp: new Set(s.usedUdp) };
      left.set(id, l);
    }
    return l;
  };
  const accepted: Placement[] = [];
  const refused: Placement[] = [];
  for (const p of placements) {
    const l = of(p.instanceId);
    const fits = l !== undefined && l.cpu >= need.cpu && l.memory >= need.memory && !p.tcpPorts.some((x) => l.tcp.has(x)) && !p.udpPorts.some((x) => l.udp.has(x));
    if (!fits) {
      refused.push(p);
      continue;
    }
    l.cpu -= need.cpu;
    l.memory -= need.memory;
    for (const id of [p.instanceId, ...(instances.get(p.instanceId)?.hostSiblings ?? [])]) {
      const h = of(id);
      p.tcpPorts.forEach((x) => h?.tcp.add(x));
      p.udpPorts.forEach((x) => h?.udp.add(x));
    }
    accepted.push(p);
  }
  return { accepted, refused };
}
