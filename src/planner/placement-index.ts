import { arnId } from "../domain/arn.js";
import type { TaskRecord } from "../domain/task.js";
import { ClusterState, type TaskReservation } from "../scheduler/cluster-state.js";
import type { LoggedChange } from "../state/changes.js";
import type { Store } from "../state/store.js";
import { instancesWithTasks, snapshotOf } from "./snapshots.js";

/** A cluster's committed placements as the engine sees them. Read it; never change it. */
export interface ClusterView {
  readonly state: ClusterState;
  /** Whether the view counts this task's resources already. */
  holds(taskArn: string): boolean;
}

interface Loaded {
  readonly kind: "loaded";
  readonly state: ClusterState;
  /** The tasks counted in `state`, by ARN: a change is applied once, however often it arrives. */
  readonly holding: Map<string, TaskReservation>;
}
interface Loading {
  readonly kind: "loading";
  readonly done: Promise<Loaded>;
  /** Task changes that arrived during the load, applied after it. */
  readonly buffered: TaskRecord[];
  /** An instance changed during the load: load again. */
  stale: boolean;
}

/**
 * The planner's index: each cluster's placements in memory, loaded from the store on first use and
 * then kept by the change log alone. Nothing else writes it, and nothing inside a write does: a
 * placement counts here once its commit is delivered (until then the planner counts the
 * transaction's own uncommitted tasks itself, see planner.ts).
 *
 * Task changes are applied by ARN (a task that holds resources and is not counted is added; a
 * counted task that stopped is removed), so a change that arrives twice, or that the load already
 * saw, changes nothing. Instance facts (status, agent, attributes, registered resources) are not
 * patched: an instance change drops its cluster, to be loaded again.
 */
export class PlacementIndex {
  private readonly clusters = new Map<string, Loaded | Loading>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    onError: (err: unknown) => void,
  ) {
    this.unsubscribe = store.changes.subscribe((c) => this.apply(c), { onError });
  }

  async view(cluster: string): Promise<ClusterView> {
    let entry = this.clusters.get(cluster);
    if (entry === undefined) {
      entry = this.load(cluster);
      this.clusters.set(cluster, entry);
    }
    const loaded = entry.kind === "loaded" ? entry : await entry.done;
    return { state: loaded.state, holds: (arn) => loaded.holding.has(arn) };
  }

  /** Drops a cluster found behind the store (a refused re-check); the next view loads it again. */
  forget(cluster: string): void {
    this.clusters.delete(cluster);
  }

  close(): void {
    this.unsubscribe();
  }

  private load(cluster: string): Loading {
    const loading = { kind: "loading" as const, buffered: [] as TaskRecord[], stale: false };
    const done = this.loadInto(cluster, loading).catch((err: unknown) => {
      if (this.clusters.get(cluster) === loading) this.clusters.delete(cluster);
      throw err;
    });
    return Object.assign(loading, { done });
  }

  private async loadInto(cluster: string, loading: Omit<Loading, "done">): Promise<Loaded> {
    for (;;) {
      loading.stale = false;
      const instances = await this.store.read((tx) => instancesWithTasks(tx, cluster));
      if (loading.stale) continue;
      const state = ClusterState.from(instances.map(({ instance, holding }) => snapshotOf(instance, holding)));
      const holding = new Map(instances.flatMap(({ holding }) => holding.map((t) => [t.arn, reservationOf(t)] as const)));
      const loaded: Loaded = { kind: "loaded", state, holding };
      for (const t of loading.buffered.splice(0)) applyTask(loaded, t);
      if (this.clusters.get(cluster) === loading) this.clusters.set(cluster, loaded);
      return loaded;
    }
  }

  private apply(c: LoggedChange): void {
    if (c.kind !== "task" && c.kind !== "instance") return;
    const entry = this.clusters.get(c.record.cluster);
    if (entry === undefined) return;
    if (c.kind === "instance") {
      if (entry.kind === "loading") entry.stale = true;
      else this.clusters.delete(c.record.cluster);
    } else if (entry.kind === "loading") entry.buffered.push(c.record);
    else applyTask(entry, c.record);
  }
}

function applyTask(loaded: Loaded, t: TaskRecord): void {
  const counted = loaded.holding.get(t.arn);
  if (t.lastStatus !== "STOPPED" && counted === undefined) {
    const r = reservationOf(t);
    if (loaded.state.indexOf(r.instanceId) === undefined) return;
    loaded.state.addTask(r);
    loaded.holding.set(t.arn, r);
  } else if (t.lastStatus === "STOPPED" && counted !== undefined) {
    loaded.state.removeTask(counted);
    loaded.holding.delete(t.arn);
  }
}

/** What a task holds on its instance, as the engine counts it. */
export const reservationOf = (t: TaskRecord): TaskReservation => ({
  instanceId: arnId(t.containerInstanceArn),
  group: t.group,
  cpu: t.reservation.cpu,
  memory: t.reservation.memory,
  tcpPorts: t.reservation.tcpPorts,
  udpPorts: t.reservation.udpPorts,
  gpuIds: [],
});
