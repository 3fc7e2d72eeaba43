import type { ClusterState, TaskReservation } from "./cluster-state.js";
import type { CompiledRequest } from "./compiled-request.js";
import type { InstanceView } from "./instance-view.js";
import type { InstanceStatus, Placement } from "./types.js";

/**
 * The scratch state of one placement call: copies of the cluster's changing columns that the
 * call's own picks update, so that the second task of a request sees the first (ports, distinct
 * instance, spread counts, memberOf on task:group) while the ClusterState itself stays untouched.
 * Copies are a few typed-array slices; ports and GPUs taken by this call are kept as small overlays.
 */
export class RequestWork {
  readonly remainingCpu: Float64Array;
  readonly remainingMemory: Float64Array;
  readonly runningTasks: Int32Array;
  /** The request's own group: tasks per instance. */
  readonly ownGroup: Int32Array;
  /** Static host ports this call took, by port group (see ClusterState.portGroup). */
  private readonly takenTcp = new Map<number, Set<number>>();
  private readonly takenUdp = new Map<number, Set<number>>();
  private readonly takenGpus = new Map<number, number>();
  /** A cursor: set `view.index` and read; no object per instance. */
  readonly view: WorkView;

  constructor(
    readonly cluster: ClusterState,
    readonly request: CompiledRequest,
    /** Tasks placed but not yet in `cluster` (earlier placements of the same transaction): taken as if reserved. */
    pending: readonly TaskReservation[] = [],
  ) {
    this.remainingCpu = cluster.remainingCpu.slice();
    this.remainingMemory = cluster.remainingMemory.slice();
    this.runningTasks = cluster.runningTasks.slice();
    this.ownGroup = cluster.groupColumnIfAny(request.group)?.slice() ?? new Int32Array(cluster.size);
    this.view = new WorkView(this);
    for (const t of pending) {
      const i = cluster.indexOf(t.instanceId);
      if (i !== undefined) this.hold(i, t, t.group === request.group);
    }
  }

  private hold(i: number, t: { readonly cpu: number; readonly memory: number; readonly tcpPorts: readonly number[]; readonly udpPorts: readonly number[] }, ownGroup: boolean): void {
    this.remainingCpu[i] = (this.remainingCpu[i] ?? 0) - t.cpu;
    this.remainingMemory[i] = (this.remainingMemory[i] ?? 0) - t.memory;
    this.runningTasks[i] = (this.runningTasks[i] ?? 0) + 1;
    if (ownGroup) this.ownGroup[i] = (this.ownGroup[i] ?? 0) + 1;
    addAll(this.takenTcp, this.cluster.portGroup(i), t.tcpPorts);
    addAll(this.takenUdp, this.cluster.portGroup(i), t.udpPorts);
  }

  /** Host ports are shared: taken by this call on any instance whose ports are `i`'s counts. */
  tcpUsed(i: number, port: number): boolean {
    return this.cluster.tcpUsedOnHost(i, port) || this.takenFor(this.takenTcp, i, port);
  }
  udpUsed(i: number, port: number): boolean {
    return this.cluster.udpUsedOnHost(i, port) || this.takenFor(this.takenUdp, i, port);
  }
  private takenFor(taken: ReadonlyMap<number, ReadonlySet<number>>, i: number, port: number): boolean {
    return taken.size > 0 && this.cluster.sharingGroups(i).some((g) => taken.get(g)?.has(port) ?? false);
  }
  freeGpuCount(i: number): number {
    return (this.cluster.freeGpus[i]?.length ?? 0) - (this.takenGpus.get(i) ?? 0);
  }

  /** Places one task on instance `i`: takes its resources in the scratch state and describes the placement. */
  take(i: number): Placement {
    const r = this.request;
    this.hold(i, r, true);
    const gpusTaken = this.takenGpus.get(i) ?? 0;
    const gpuIds = (this.cluster.freeGpus[i] ?? []).slice(gpusTaken, gpusTaken + r.gpuCount);
    if (r.gpuCount > 0) this.takenGpus.set(i, gpusTaken + r.gpuCount);
    return {
      instanceId: this.cluster.id(i),
      instanceArn: this.cluster.arn(i),
      tcpPorts: r.tcpPorts,
      udpPorts: r.udpPorts,
      gpuIds,
      dynamicPortCount: r.dynamicPortCount,
    };
  }
}

function addAll(taken: Map<number, Set<number>>, i: number, ports: readonly number[]): void {
  if (ports.length === 0) return;
  const set = taken.get(i) ?? new Set<number>();
  for (const p of ports) set.add(p);
  taken.set(i, set);
}

/** InstanceView over RequestWork at `index`. */
class WorkView implements InstanceView {
  index = 0;
  constructor(private readonly work: RequestWork) {}

  private get cluster(): ClusterState {
    return this.work.cluster;
  }
  get id(): string {
    return this.cluster.id(this.index);
  }
  get arn(): string {
    return this.cluster.arn(this.index);
  }
  get status(): InstanceStatus {
    return this.cluster.status(this.index);
  }
  get agentConnected(): boolean {
    return this.cluster.fact(this.index).agentConnected;
  }
  get agentVersion(): string | undefined {
    return this.cluster.fact(this.index).agentVersion;
  }
  get ec2InstanceId(): string | undefined {
    return this.cluster.fact(this.index).ec2InstanceId;
  }
  get registeredAtMs(): number {
    return this.cluster.fact(this.index).registeredAtMs;
  }
  get runningTasksCount(): number {
    return this.work.runningTasks[this.index] ?? 0;
  }
  get remainingCpu(): number {
    return this.work.remainingCpu[this.index] ?? 0;
  }
  get remainingMemory(): number {
    return this.work.remainingMemory[this.index] ?? 0;
  }
  get freeGpuCount(): number {
    return this.work.freeGpuCount(this.index);
  }
  attribute(name: string): string | null | undefined {
    return this.cluster.fact(this.index).attributes.get(name);
  }
  taskGroupCount(group: string): number {
    return group === this.work.request.group ? (this.work.ownGroup[this.index] ?? 0) : this.cluster.groupCount(group, this.index);
  }
  *taskGroups(): Iterable<string> {
    const own = this.work.request.group;
    for (const g of this.cluster.groupsOn(this.index)) if (g !== own) yield g;
    if ((this.work.ownGroup[this.index] ?? 0) > 0) yield own;
  }
  tcpPortUsed(port: number): boolean {
    return this.work.tcpUsed(this.index, port);
  }
  udpPortUsed(port: number): boolean {
    return this.work.udpUsed(this.index, port);
  }
}
