import { hostBindingOf, sharesHostPorts, type HostBinding } from "./host-ports.js";
import type { InstanceSnapshot, InstanceStatus } from "./types.js";

/** What one task holds on its instance, to reserve on placement and give back when it stops. */
export interface TaskReservation {
  readonly instanceId: string;
  readonly group: string;
  readonly cpu: number;
  readonly memory: number;
  readonly tcpPorts: readonly number[];
  readonly udpPorts: readonly number[];
  readonly gpuIds: readonly string[];
}

/** Instances grouped by one attribute's value: `valueIds[i]` indexes `labels`; undefined labels "no value". */
export interface AttributeIndex {
  readonly valueIds: Int32Array;
  readonly labels: readonly (string | undefined)[];
}

/**
 * An indexed, columnar copy of a cluster's container instances for placement: numbers that change
 * with every task (remaining CPU and memory, tasks per group) live in typed arrays indexed by
 * instance position, so a placement scans arrays instead of objects and allocates nothing per
 * instance.
 *
 * The caller builds it from the store (`ClusterState.from`) and keeps it in step with
 * `addTask` / `removeTask` as placements are committed and tasks stop; a placement call reads it
 * and never changes it. Instance facts that rarely change (status, attributes, agent) are taken
 * as given: rebuild the state when an instance registers, deregisters or changes attributes
 * (building it for 5,000 instances takes a few milliseconds).
 */
export class ClusterState {
  readonly size: number;
  /** Mutable columns; only `addTask` and `removeTask` write them. */
  readonly remainingCpu: Float64Array;
  readonly remainingMemory: Float64Array;
  readonly runningTasks: Int32Array;
  readonly usedTcp: Set<number>[];
  readonly usedUdp: Set<number>[];
  readonly freeGpus: string[][];
  /**
   * Host ports are the host's, not the instance's. Instances on one Docker engine bound to one
   * address form a port group (alone, an instance is its own); per group, how many holders each
   * port has (the instances' reserved ports and their tasks' static ports). A port is used for an
   * instance when any group overlapping its own holds it (host-ports.ts: same engine, and the same
   * address or a wildcard one).
   */
  private readonly groupOf: Int32Array;
  private readonly groupMembers: number[][];
  /** Per port group, the groups whose ports are its ports too, itself first. */
  private readonly overlapping: number[][];
  private readonly groupTcp: Map<number, number>[];
  private readonly groupUdp: Map<number, number>[];
  private readonly byId = new Map<string, number>();
  /** Per task group, non-stopped tasks per instance. Dense: one Int32Array of `size` per group. */
  private readonly groupCounts = new Map<string, Int32Array>();
  private readonly attributeIndexes = new Map<string, AttributeIndex>();

  private constructor(private readonly instances: readonly InstanceSnapshot[]) {
    const n = instances.length;
    this.size = n;
    this.remainingCpu = Float64Array.from(instances, (s) => s.remainingCpu);
    this.remainingMemory = Float64Array.from(instances, (s) => s.remainingMemory);
    this.runningTasks = Int32Array.from(instances, (s) => s.runningTasksCount);
    this.usedTcp = instances.map((s) => new Set(s.usedTcpPorts));
    this.usedUdp = instances.map((s) => new Set(s.usedUdpPorts));
    this.freeGpus = instances.map((s) => {
      const used = new Set(s.usedGpuIds ?? []);
      return (s.gpuIds ?? []).filter((g) => !used.has(g));
    });
    const { groupOf, bindings } = portGroups(instances);
    this.groupOf = groupOf;
    this.overlapping = overlappingGroups(bindings);
    this.groupMembers = bindings.map(() => []);
    this.groupTcp = bindings.map(() => new Map<number, number>());
    this.groupUdp = bindings.map(() => new Map<number, number>());
    instances.forEach((s, i) => {
      const g = this.portGroup(i);
      this.groupMembers[g]?.push(i);
      count(this.groupTcp[g], s.usedTcpPorts, 1);
      count(this.groupUdp[g], s.usedUdpPorts, 1);
    });
    instances.forEach((s, i) => {
      if (this.byId.has(s.id)) throw new Error(`duplicate container instance id ${s.id}`);
      this.byId.set(s.id, i);
      for (const [group, count] of s.taskGroups) if (count > 0) this.groupColumn(group)[i] = count;
    });
  }

  static from(instances: readonly InstanceSnapshot[]): ClusterState {
    return new ClusterState([...instances]);
  }

  indexOf(instanceId: string): number | undefined {
    return this.byId.get(instanceId);
  }

  id(i: number): string {
    return this.fact(i).id;
  }
  arn(i: number): string {
    return this.fact(i).arn;
  }
  status(i: number): InstanceStatus {
    return this.fact(i).status;
  }
  /** The instance's static facts as built (its resource numbers are not kept current; see `snapshot`). */
  fact(i: number): InstanceSnapshot {
    const s = this.instances[i];
    if (s === undefined) throw new RangeError(`no instance at ${i}`);
    return s;
  }

  /** The group's tasks per instance, or undefined if the group has never had a task here. Read-only for callers. */
  groupColumnIfAny(group: string): Int32Array | undefined {
    return this.groupCounts.get(group);
  }

  groupCount(group: string, i: number): number {
    return this.groupCounts.get(group)?.[i] ?? 0;
  }

  /** Groups with a task on instance `i` (scans every group: only `task:group =~` asks). */
  *groupsOn(i: number): Iterable<string> {
    for (const [group, counts] of this.groupCounts) if ((counts[i] ?? 0) > 0) yield group;
  }

  /** Instances bucketed by an attribute's value, built on first use and kept (attributes do not change here). */
  attributeIndex(name: string): AttributeIndex {
    let index = this.attributeIndexes.get(name);
    if (index === undefined) {
      const ids = new Map<string | undefined, number>();
      const labels: (string | undefined)[] = [];
      const valueIds = new Int32Array(this.size);
      this.instances.forEach((s, i) => {
        const value = s.attributes.get(name) ?? undefined;
        let id = ids.get(value);
        if (id === undefined) {
          id = labels.push(value) - 1;
          ids.set(value, id);
        }
        valueIds[i] = id;
      });
      index = { valueIds, labels };
      this.attributeIndexes.set(name, index);
    }
    return index;
  }

  /** The port group of instance `i`: an index shared by the instances of one engine bound to one address. */
  portGroup(i: number): number {
    return this.groupOf[i] ?? 0;
  }

  /** The port groups whose static host ports are instance `i`'s too, its own first. */
  sharingGroups(i: number): readonly number[] {
    return this.overlapping[this.portGroup(i)] ?? [];
  }

  /** The other instances whose host ports are instance `i`'s too (none for an instance alone on its host). */
  hostSiblings(i: number): readonly number[] {
    const groups = this.sharingGroups(i);
    if (groups.length === 1 && (this.groupMembers[groups[0] ?? 0]?.length ?? 0) <= 1) return [];
    return groups.flatMap((g) => this.groupMembers[g] ?? []).filter((j) => j !== i);
  }

  /** Whether a TCP host port is held for instance `i`: by it, or by an instance whose ports it shares. */
  tcpUsedOnHost(i: number, port: number): boolean {
    return this.sharingGroups(i).some((g) => (this.groupTcp[g]?.get(port) ?? 0) > 0);
  }
  udpUsedOnHost(i: number, port: number): boolean {
    return this.sharingGroups(i).some((g) => (this.groupUdp[g]?.get(port) ?? 0) > 0);
  }

  /** A task now holds resources on its instance (a committed placement). Only the planner's index calls this. */
  addTask(task: TaskReservation): void {
    this.adjust(task, +1);
  }

  /** A task no longer holds its resources (it stopped). Only the planner's index calls this. */
  removeTask(task: TaskReservation): void {
    this.adjust(task, -1);
  }

  private adjust(task: TaskReservation, sign: 1 | -1): void {
    const i = this.byId.get(task.instanceId);
    if (i === undefined) throw new Error(`unknown container instance ${task.instanceId}`);
    this.remainingCpu[i] = (this.remainingCpu[i] ?? 0) - sign * task.cpu;
    this.remainingMemory[i] = (this.remainingMemory[i] ?? 0) - sign * task.memory;
    this.runningTasks[i] = (this.runningTasks[i] ?? 0) + sign;
    const groups = this.groupColumn(task.group);
    groups[i] = Math.max(0, (groups[i] ?? 0) + sign);
    for (const p of task.tcpPorts) if (sign > 0) this.usedTcp[i]?.add(p); else this.usedTcp[i]?.delete(p);
    for (const p of task.udpPorts) if (sign > 0) this.usedUdp[i]?.add(p); else this.usedUdp[i]?.delete(p);
    count(this.groupTcp[this.portGroup(i)], task.tcpPorts, sign);
    count(this.groupUdp[this.portGroup(i)], task.udpPorts, sign);
    if (task.gpuIds.length > 0) {
      // Kept in registration order so that GPU assignment is the same as from a fresh snapshot.
      const free = new Set(this.freeGpus[i]);
      for (const g of task.gpuIds) if (sign > 0) free.delete(g); else free.add(g);
      this.freeGpus[i] = (this.fact(i).gpuIds ?? []).filter((g) => free.has(g));
    }
  }

  /** Instance `i` as a snapshot with current numbers (for tests and the reference path). */
  snapshot(i: number): InstanceSnapshot {
    const s = this.fact(i);
    const taskGroups = new Map<string, number>();
    for (const [group, counts] of this.groupCounts) if ((counts[i] ?? 0) > 0) taskGroups.set(group, counts[i] ?? 0);
    const free = new Set(this.freeGpus[i]);
    return {
      ...s,
      remainingCpu: this.remainingCpu[i] ?? 0,
      remainingMemory: this.remainingMemory[i] ?? 0,
      runningTasksCount: this.runningTasks[i] ?? 0,
      usedTcpPorts: [...(this.usedTcp[i] ?? [])],
      usedUdpPorts: [...(this.usedUdp[i] ?? [])],
      usedGpuIds: (s.gpuIds ?? []).filter((g) => !free.has(g)),
      taskGroups,
    };
  }

  private groupColumn(group: string): Int32Array {
    let column = this.groupCounts.get(group);
    if (column === undefined) {
      column = new Int32Array(this.size);
      this.groupCounts.set(group, column);
    }
    return column;
  }
}

/** Instances grouped by (engine, address); an instance without an engine id is a group of its own. */
function portGroups(instances: readonly InstanceSnapshot[]): { groupOf: Int32Array; bindings: HostBinding[] } {
  const byKey = new Map<string, number>();
  const bindings: HostBinding[] = [];
  const groupOf = Int32Array.from(instances, (s) => {
    const binding = hostBindingOf(s.attributes);
    if (binding.hostId === undefined) return bindings.push(binding) - 1;
    const key = `${binding.hostId}\u0000${binding.address}`;
    let g = byKey.get(key);
    if (g === undefined) {
      g = bindings.push(binding) - 1;
      byKey.set(key, g);
    }
    return g;
  });
  return { groupOf, bindings };
}

/** For each group, the groups it shares ports with (itself first); compared only within one engine. */
function overlappingGroups(bindings: readonly HostBinding[]): number[][] {
  const byEngine = new Map<string, number[]>();
  bindings.forEach((b, g) => {
    if (b.hostId !== undefined) byEngine.set(b.hostId, [...(byEngine.get(b.hostId) ?? []), g]);
  });
  return bindings.map((b, g) => {
    const engine = b.hostId === undefined ? [] : (byEngine.get(b.hostId) ?? []);
    return [g, ...engine.filter((o) => o !== g && sharesHostPorts(b, bindings[o] ?? b))];
  });
}

function count(holders: Map<number, number> | undefined, ports: Iterable<number>, sign: 1 | -1): void {
  if (holders === undefined) return;
  for (const p of ports) {
    const n = (holders.get(p) ?? 0) + sign;
    if (n > 0) holders.set(p, n);
    else holders.delete(p);
  }
}
