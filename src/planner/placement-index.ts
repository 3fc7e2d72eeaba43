import { arnId } from "../domain/arn.js";
import type { ContainerInstanceRecord } from "../domain/container-instance.js";
import { placementClusterOf } from "../domain/fargate/pool.js";
import type { TaskRecord } from "../domain/task.js";
import { ClusterState, type TaskReservation } from "../scheduler/cluster-state.js";
import type { LoggedChange } from "../state/changes.js";
import type { Store, WriteTx } from "../state/store.js";
import { heldTask, instancesWithTasks, snapshotOf, type HeldTask } from "./snapshots.js";

/** A cluster's committed placements as the engine sees them. Read it; never change it. */
export interface ClusterView {
  readonly state: ClusterState;
  /** Whether the view counts this task's resources already. */
  holds(taskArn: string): boolean;
}

interface Held extends HeldTask {
  readonly instanceArn: string;
}

/** One cluster as the index keeps it: the facts, and the engine's state built from them on demand. */
interface ClusterEntry {
  /** The revision of the newest change reflected here; older deliveries change nothing. */
  position: number;
  /** The cluster's instances that are not INACTIVE, by ARN. */
  readonly instances: Map<string, ContainerInstanceRecord>;
  /** Tasks that hold resources (not yet known STOPPED), by ARN. */
  readonly held: Map<string, Held>;
  /** Built from `instances` and `held` when first needed after an instance changed; patched per task. */
  state: ClusterState | undefined;
}

/**
 * The planner's index: each cluster's instances and the tasks holding resources on them, loaded
 * from the store on first use and then kept by the change log alone. Nothing inside a write
 * changes it: a placement counts here once its commit is delivered (until then the planner counts
 * the transaction's own uncommitted tasks itself, see planner.ts).
 *
 * A cluster is loaded inside the write that first needs it, which is also its position in the log:
 * no commit can land during a write, so the changes delivered later with a higher revision are
 * exactly those the load did not see. Task changes patch the engine's state (a task that holds
 * resources is added once, removed once it is STOPPED); an instance change only replaces the
 * instance's facts, and the state is rebuilt from memory when next asked for, without the store.
 */
export class PlacementIndex {
  private readonly clusters = new Map<string, ClusterEntry>();
  private readonly unsubscribe: () => void;
  /** The newest revision this index has been given (by the log, or by a load), of any cluster. */
  private seenRevision = 0;

  constructor(
    private readonly store: Store,
    onError: (err: unknown) => void,
  ) {
    this.unsubscribe = store.changes.subscribe((c) => this.apply(c), { onError });
  }

  /** The cluster's committed placements; loads it through the caller's write the first time. */
  async view(tx: WriteTx, cluster: string): Promise<ClusterView> {
    let entry = this.clusters.get(cluster);
    if (entry === undefined) {
      entry = await this.load(tx, cluster);
      this.clusters.set(cluster, entry);
    }
    const held = entry.held;
    return { state: stateOf(entry), holds: (arn) => held.has(arn) };
  }

  /** The cluster loaded afresh through the caller's write (its view was found behind the store). */
  async reload(tx: WriteTx, cluster: string): Promise<ClusterView> {
    this.clusters.delete(cluster);
    return this.view(tx, cluster);
  }

  /**
   * Some instances of the cluster read afresh through the caller's write: those a re-check found
   * behind the store. Cheaper than `reload` by the size of the cluster; the changes delivered later
   * for them set what they already say, or an older state that their later change sets right again.
   */
  async refresh(tx: WriteTx, cluster: string, instanceArns: readonly string[]): Promise<ClusterView> {
    const entry = this.clusters.get(cluster);
    if (entry === undefined) return this.view(tx, cluster);
    const arns = new Set(instanceArns);
    const read = await Promise.all([...arns].map(async (arn) => ({ arn, instance: await tx.containerInstances.get(arn), holding: await tx.tasks.holdingResources(arn) })));
    for (const [taskArn, held] of entry.held) if (arns.has(held.instanceArn)) entry.held.delete(taskArn);
    for (const { arn, instance, holding } of read) {
      if (instance !== undefined && instance.cluster === cluster && instance.status !== "INACTIVE") entry.instances.set(arn, instance);
      else entry.instances.delete(arn);
      for (const t of holding) if (placementClusterOf(t) === cluster) entry.held.set(t.arn, { ...heldTask(t), instanceArn: arn });
    }
    entry.state = undefined;
    const held = entry.held;
    return { state: stateOf(entry), holds: (arn) => held.has(arn) };
  }

  /** Every change up to this revision is in the index (or was not about placements). */
  seen(): number {
    return this.seenRevision;
  }

  /** Drops a cluster found behind the store (a refused re-check); the next view loads it again. */
  forget(cluster: string): void {
    this.clusters.delete(cluster);
  }

  close(): void {
    this.unsubscribe();
  }

  private async load(tx: WriteTx, cluster: string): Promise<ClusterEntry> {
    // What the write sees: every commit (of every replica) and its own saves so far.
    const position = tx.revision();
    this.seenRevision = Math.max(this.seenRevision, await this.store.changes.head());
    const loaded = await instancesWithTasks(tx, cluster);
    return {
      position,
      instances: new Map(loaded.map(({ instance }) => [instance.arn, instance])),
      held: new Map(loaded.flatMap(({ instance, holding }) => holding.map((t) => [t.arn, { ...heldTask(t), instanceArn: instance.arn }] as const))),
      state: undefined,
    };
  }

  private apply(c: LoggedChange): void {
    this.seenRevision = Math.max(this.seenRevision, c.revision);
    if (c.kind !== "task" && c.kind !== "instance") return;
    // A FARGATE task holds resources on the managed pool's instances, not its own cluster's.
    const entry = this.clusters.get(c.kind === "task" ? placementClusterOf(c.record) : c.record.cluster);
    if (entry === undefined || c.revision <= entry.position) return;
    entry.position = c.revision;
    if (c.kind === "instance") {
      if (c.record.status === "INACTIVE") entry.instances.delete(c.record.arn);
      else entry.instances.set(c.record.arn, c.record);
      entry.state = undefined;
    } else applyTask(entry, c.record);
  }
}

function stateOf(entry: ClusterEntry): ClusterState {
  if (entry.state === undefined) {
    const byInstance = new Map<string, Held[]>();
    for (const h of entry.held.values()) byInstance.set(h.instanceArn, [...(byInstance.get(h.instanceArn) ?? []), h]);
    entry.state = ClusterState.from([...entry.instances.values()].map((i) => snapshotOf(i, byInstance.get(i.arn) ?? [])));
  }
  return entry.state;
}

function applyTask(entry: ClusterEntry, t: TaskRecord): void {
  const counted = entry.held.get(t.arn);
  if (t.lastStatus !== "STOPPED" && counted === undefined) {
    const held = { ...heldTask(t), instanceArn: t.containerInstanceArn };
    entry.held.set(t.arn, held);
    if (entry.state?.indexOf(arnId(held.instanceArn)) !== undefined) entry.state.addTask(reservationOf(held));
  } else if (t.lastStatus === "STOPPED" && counted !== undefined) {
    entry.held.delete(t.arn);
    if (entry.state?.indexOf(arnId(counted.instanceArn)) !== undefined) entry.state.removeTask(reservationOf(counted));
  }
}

/** What a held task takes from its instance, as the engine counts it. */
export const reservationOf = (h: Held): TaskReservation => ({
  instanceId: arnId(h.instanceArn),
  group: h.group,
  cpu: h.reservation.cpu,
  memory: h.reservation.memory,
  tcpPorts: h.reservation.tcpPorts,
  udpPorts: h.reservation.udpPorts,
  gpuIds: [],
});

/** A task as the index would hold it (for the planner's uncommitted tasks). */
export const heldOf = (t: TaskRecord): Held => ({ ...heldTask(t), instanceArn: t.containerInstanceArn });
