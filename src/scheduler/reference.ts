import { compileRequest } from "./compiled-request.js";
import { explainFailure } from "./explain.js";
import type { InstanceView } from "./instance-view.js";
import type { PlaceOptions } from "./place.js";
import type { StrategyKey } from "./strategies/keys.js";
import { drawSeed, tieHash } from "./strategies/random.js";
import { hostBindingOf, sharesHostPorts, type HostBinding } from "./host-ports.js";
import { type InstanceSnapshot, type InstanceStatus, type Placement, type PlacementRequest, type PlacementResult } from "./types.js";

/**
 * The placement rules written as plainly as possible: for every pick, check every instance from
 * scratch, compute every strategy key from scratch (spread counts summed over the whole cluster),
 * take the lexicographically smallest (keys..., tie hash, index). No index, no incremental state.
 *
 * It exists so that property tests can compare `placeTasks` with it on random clusters: both must
 * return exactly the same placements and failures. It is O(count × instances × keys) and meant
 * for tests, not for serving.
 */
export function placeTasksReference(instances: readonly InstanceSnapshot[], request: PlacementRequest, options: PlaceOptions): PlacementResult {
  const req = compileRequest(request);
  const seed = drawSeed(options.random);
  const states = instances.map((s) => new PlainInstance(s));
  for (const s of states) s.hostSiblings = states.filter((o) => o !== s && sharesHostPorts(s.binding, o.binding));
  const placements: Placement[] = [];
  for (let pick = 0; pick < req.count; pick++) {
    let best: { index: number; key: number[] } | undefined;
    states.forEach((s, index) => {
      if (!req.checks.every((c) => c.passes(s))) return;
      const key = [...req.keys.map((k) => keyOf(k, s, states, req.group, seed, pick)), tieHash(seed, pick, index), index];
      if (best === undefined || lexicographicallyLess(key, best.key)) best = { index, key };
    });
    const chosen = best === undefined ? undefined : states[best.index];
    if (chosen === undefined) {
      const { failures, explanation } = explainFailure(req.checks, (visit) => states.forEach(visit), { requested: req.count, placed: placements.length });
      return { placements, failures, explanation };
    }
    const gpuIds = chosen.freeGpus.slice(0, req.gpuCount);
    chosen.take(req.group, req.cpu, req.memory, req.tcpPorts, req.udpPorts, gpuIds);
    placements.push({ instanceId: chosen.id, instanceArn: chosen.arn, tcpPorts: req.tcpPorts, udpPorts: req.udpPorts, gpuIds, dynamicPortCount: req.dynamicPortCount });
  }
  return { placements, failures: [] };
}

function keyOf(key: StrategyKey, s: PlainInstance, all: readonly PlainInstance[], group: string, seed: number, pick: number): number {
  switch (key.kind) {
    case "binpack":
      return key.field === "cpu" ? s.remainingCpu : s.remainingMemory;
    case "spreadInstance":
      return s.taskGroupCount(group);
    case "spreadAttribute": {
      const value = s.attribute(key.attribute) ?? undefined;
      return all.filter((o) => (o.attribute(key.attribute) ?? undefined) === value).reduce((sum, o) => sum + o.taskGroupCount(group), 0);
    }
    case "random":
      return tieHash(seed, pick, all.indexOf(s));
  }
}

function lexicographicallyLess(a: readonly number[], b: readonly number[]): boolean {
  for (let k = 0; k < a.length; k++) if ((a[k] ?? 0) !== (b[k] ?? 0)) return (a[k] ?? 0) < (b[k] ?? 0);
  return false;
}

/** A mutable copy of one snapshot. */
class PlainInstance implements InstanceView {
  readonly id: string;
  readonly arn: string;
  readonly status: InstanceStatus;
  readonly agentConnected: boolean;
  readonly agentVersion: string | undefined;
  readonly ec2InstanceId: string | undefined;
  readonly registeredAtMs: number;
  remainingCpu: number;
  remainingMemory: number;
  runningTasksCount: number;
  freeGpus: string[];
  private readonly tcp: Set<number>;
  private readonly udp: Set<number>;
  private readonly groups: Map<string, number>;

  constructor(private readonly snapshot: InstanceSnapshot) {
    this.id = snapshot.id;
    this.arn = snapshot.arn;
    this.status = snapshot.status;
    this.agentConnected = snapshot.agentConnected;
    this.agentVersion = snapshot.agentVersion;
    this.ec2InstanceId = snapshot.ec2InstanceId;
    this.registeredAtMs = snapshot.registeredAtMs;
    this.remainingCpu = snapshot.remainingCpu;
    this.remainingMemory = snapshot.remainingMemory;
    this.runningTasksCount = snapshot.runningTasksCount;
    const used = new Set(snapshot.usedGpuIds ?? []);
    this.freeGpus = (snapshot.gpuIds ?? []).filter((g) => !used.has(g));
    this.tcp = new Set(snapshot.usedTcpPorts);
    this.udp = new Set(snapshot.usedUdpPorts);
    this.groups = new Map(snapshot.taskGroups);
  }

  get freeGpuCount(): number {
    return this.freeGpus.length;
  }
  attribute(name: string): string | null | undefined {
    return this.snapshot.attributes.get(name);
  }
  taskGroupCount(group: string): number {
    return this.groups.get(group) ?? 0;
  }
  taskGroups(): Iterable<string> {
    return [...this.groups].filter(([, n]) => n > 0).map(([g]) => g);
  }
  /** Instances whose host ports are this one's too (same engine, overlapping addresses). */
  hostSiblings: readonly PlainInstance[] = [];
  get binding(): HostBinding {
    return hostBindingOf(this.snapshot.attributes);
  }
  tcpPortUsed(port: number): boolean {
    return this.tcp.has(port) || this.hostSiblings.some((o) => o.tcp.has(port));
  }
  udpPortUsed(port: number): boolean {
    return this.udp.has(port) || this.hostSiblings.some((o) => o.udp.has(port));
  }

  take(group: string, cpu: number, memory: number, tcp: readonly number[], udp: readonly number[], gpuIds: readonly string[]): void {
    this.remainingCpu -= cpu;
    this.remainingMemory -= memory;
    this.runningTasksCount++;
    this.groups.set(group, this.taskGroupCount(group) + 1);
    for (const p of tcp) this.tcp.add(p);
    for (const p of udp) this.udp.add(p);
    this.freeGpus = this.freeGpus.filter((g) => !gpuIds.includes(g));
  }
}
