import type { Failure } from "@aws-sdk/client-ecs";
import type { Partition } from "../domain/arn.js";
import { remainingResources } from "../domain/container-instance.js";
import { fargatePoolCluster, placementClusterOf } from "../domain/fargate/pool.js";
import type { Launch } from "../domain/launch.js";
import { newTaskRecord, placementRequest } from "../domain/new-task.js";
import type { TaskRecord } from "../domain/task.js";
import { ClusterState, type TaskReservation } from "../scheduler/cluster-state.js";
import { failureDetail } from "../scheduler/explain-text.js";
import { placeTasks } from "../scheduler/place.js";
import { recheckPlacements, type InstanceInStore } from "../scheduler/recheck.js";
import type { Placement, PlacementExplanation } from "../scheduler/types.js";
import type { LoggedChange } from "../state/changes.js";
import type { WriteTx } from "../state/store.js";
import { PlacementConflictError } from "./placement-conflict.js";
import { heldOf, reservationOf, type ClusterView, type PlacementIndex } from "./placement-index.js";

export interface LaunchResult {
  readonly tasks: readonly TaskRecord[];
  /** ECS `failures[]`: one per rejected instance, the engine's summary appended to each detail. */
  readonly failures: readonly Failure[];
  /** Present when fewer tasks than asked were placed. */
  readonly explanation?: PlacementExplanation | undefined;
}

/**
 * The one owner of placement decisions: RunTask, StartTask and services (and schedules, auto
 * scaling and Fargate to come) start tasks through `launch`, inside their own store write.
 *
 * It decides with the pure engine over the index's committed view plus the tasks this transaction
 * created and the change log has not delivered yet, then checks inside the write that the decision
 * still holds (the plan applier), and only then creates the task records. The check is optimistic:
 * when the store holds no revision the decision did not see, the placements fit by construction;
 * when another writer committed since, each placement's CPU, memory and host ports are re-checked
 * against the store's reservations. It never changes the index: the index learns of the tasks from
 * the change log after the commit. A refused re-check means the view was behind the store:
 * PlacementConflictError, and `retrying` plans again from a fresh view.
 */
export class Planner {
  constructor(
    private readonly index: PlacementIndex,
    private readonly random: () => number,
    /** Told of each launch decided (before its write commits): tasks placed, and ECS's reasons when fewer than asked. */
    private readonly observe?: (placed: number, failureReasons: readonly string[]) => void,
  ) {}

  private readonly pending = new PendingTasks();

  /** The cluster as the engine sees it now (committed placements), in the caller's write. */
  async view(tx: WriteTx, cluster: string): Promise<ClusterState> {
    return (await this.index.view(tx, cluster)).state;
  }

  /** Where a launch's tasks are placed, as the engine sees it now: the managed pool for Fargate's, else the cluster. */
  async viewFor(tx: WriteTx, launch: Launch): Promise<ClusterState> {
    return this.view(tx, launch.fargate ? fargatePoolCluster : launch.cluster.name);
  }

  /**
   * Places and creates up to `count` tasks in the current write. With `onInstanceId`, only that
   * instance is considered (StartTask, DAEMON services); resources are still checked.
   * Throws the engine's InvalidPlacementRequest / QuerySyntaxError for a malformed request.
   */
  async launch(tx: WriteTx, launch: Launch, count: number, ctx: { readonly partition: Partition; readonly nowMs: number }, onInstanceId?: string): Promise<LaunchResult> {
    // Fargate's tasks go to the managed pool's instances, whatever their cluster (domain/fargate/).
    const where = launch.fargate ? fargatePoolCluster : launch.cluster.name;
    const request = placementRequest(launch, count);
    // A refused re-check means the view was behind the store (another replica placed meanwhile):
    // the refused instances are read again inside this write, which no other write can change, and
    // the tasks placed again; after a few such rounds, the whole cluster.
    let refused: readonly string[] = [];
    for (let round = 0; ; round++) {
      // A view read again holds this write's own tasks too: the pending ones are counted anew against it.
      if (round > 0) this.pending.forget(where);
      const view = round === 0 ? await this.index.view(tx, where) : round < refreshRounds ? await this.index.refresh(tx, where, refused) : await this.index.reload(tx, where);
      let target = view.state;
      if (onInstanceId !== undefined) {
        const i = view.state.indexOf(onInstanceId);
        if (i === undefined) return { tasks: [], failures: [{ arn: onInstanceId, reason: "MISSING" }] };
        target = ClusterState.from([view.state.snapshot(i)]);
      }
      const result = placeTasks(target, request, { random: this.random, pending: this.pending.in(tx, where, view) });
      const checked = this.seesAll(tx) ? { accepted: result.placements, refused: [] } : recheckPlacements(result.placements, request, await instancesInStore(tx, view.state, result.placements));
      if (checked.refused.length > 0) {
        if (round < refreshRounds) {
          refused = checked.refused.map((p) => p.instanceArn);
          continue;
        }
        throw new PlacementConflictError(where, checked.refused.map((p) => p.instanceArn));
      }
      return this.create(tx, launch, count, ctx, result, checked.accepted);
    }
  }

  private async create(tx: WriteTx, launch: Launch, count: number, ctx: { readonly partition: Partition; readonly nowMs: number }, result: ReturnType<typeof placeTasks>, accepted: readonly { readonly instanceArn: string }[]): Promise<LaunchResult> {
    const summary = result.explanation?.summary;
    const tasks: TaskRecord[] = [];
    for (const p of accepted) {
      const task = newTaskRecord(launch, p.instanceArn, ctx);
      await tx.tasks.put(task);
      tasks.push(task);
    }
    this.observe?.(tasks.length, tasks.length < count ? result.failures.map((f) => f.reason) : []);
    return { tasks, failures: result.failures.map((f) => ({ arn: f.arn, reason: f.reason, detail: failureDetail(f.detail, summary) })), explanation: result.explanation };
  }

  /**
   * Whether the decision saw every change the store holds: all it committed reached the index, and
   * the rest is this transaction's own (counted as pending). Then the placements fit by
   * construction; otherwise another writer committed since, and each placement is re-checked
   * against the store.
   */
  private seesAll(tx: WriteTx): boolean {
    const own = tx.uncommitted();
    return tx.revision() === Math.max(this.index.seen(), own[own.length - 1]?.revision ?? 0);
  }

  /** After a PlacementConflictError: the next view of the cluster is loaded afresh from the store. */
  forget(cluster: string): void {
    this.index.forget(cluster);
  }

  /** Runs `write` again (up to 3 times in all) when its placements met a view behind the store, reloading the view first. */
  async retrying<T>(write: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (e) {
        if (!(e instanceof PlacementConflictError) || attempt >= 3) throw e;
        this.forget(e.cluster);
      }
    }
  }
}

/** Rounds of reading the refused instances again before the whole cluster is (see `launch`). */
const refreshRounds = 3;

/**
 * The tasks a transaction created that the index does not count yet, per cluster, read on from
 * where the last launch of the same transaction stopped (its uncommitted list only grows while it
 * is the same array), and counted anew when the cluster's view is reloaded.
 */
class PendingTasks {
  private list: readonly LoggedChange[] | undefined;
  private readonly byCluster = new Map<string, { read: number; readonly arns: Set<string>; readonly tasks: TaskReservation[] }>();

  in(tx: WriteTx, cluster: string, view: ClusterView): readonly TaskReservation[] {
    const list = tx.uncommitted();
    if (list !== this.list) {
      this.list = list;
      this.byCluster.clear();
    }
    let pending = this.byCluster.get(cluster);
    if (!pending) this.byCluster.set(cluster, (pending = { read: 0, arns: new Set(), tasks: [] }));
    for (; pending.read < list.length; pending.read++) {
      const c = list[pending.read]!;
      if (c.kind !== "task" || placementClusterOf(c.record) !== cluster || c.record.lastStatus === "STOPPED" || view.holds(c.record.arn)) continue;
      // A later save of the same task holds the same resources; one that stops it is not counted
      // out (the transaction's stops are left to the commit: conservative).
      if (!pending.arns.has(c.record.arn)) {
        pending.arns.add(c.record.arn);
        pending.tasks.push(reservationOf(heldOf(c.record)));
      }
    }
    return pending.tasks;
  }

  forget(cluster: string): void {
    this.byCluster.delete(cluster);
  }
}

/** The placed instances (and the instances sharing their host ports) as the write sees them in the store. */
async function instancesInStore(tx: WriteTx, state: ClusterState, placements: readonly Placement[]): Promise<Map<string, InstanceInStore>> {
  const ids = new Set(placements.map((p) => p.instanceId));
  const siblings = new Map<string, string[]>();
  for (const id of ids) {
    const i = state.indexOf(id);
    const others = i === undefined ? [] : state.hostSiblings(i).map((j) => state.id(j));
    siblings.set(id, others);
  }
  const own = new Map<string, { cpu: number; memory: number; tcp: ReadonlySet<number>; udp: ReadonlySet<number> }>();
  for (const id of new Set([...ids, ...[...siblings.values()].flat()])) {
    const i = state.indexOf(id);
    const instance = i === undefined ? undefined : await tx.containerInstances.get(state.arn(i));
    if (!instance || instance.status === "INACTIVE") continue;
    const left = remainingResources(instance.registered, await tx.tasks.reservedOn(instance.arn));
    own.set(id, { cpu: left.cpu, memory: left.memory, tcp: left.usedTcp, udp: left.usedUdp });
  }
  const inStore = new Map<string, InstanceInStore>();
  for (const id of ids) {
    const o = own.get(id);
    if (!o) continue;
    const sharing = (siblings.get(id) ?? []).flatMap((s) => own.get(s) ?? []);
    inStore.set(id, {
      remainingCpu: o.cpu,
      remainingMemory: o.memory,
      usedTcp: new Set([...o.tcp, ...sharing.flatMap((s) => [...s.tcp])]),
      usedUdp: new Set([...o.udp, ...sharing.flatMap((s) => [...s.udp])]),
      hostSiblings: siblings.get(id) ?? [],
    });
  }
  return inStore;
}
