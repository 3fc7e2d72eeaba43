import { arnId } from "../domain/arn.js";
import type { TaskRecord } from "../domain/task.js";
import { ClusterState } from "../scheduler/cluster-state.js";
import type { Placement } from "../scheduler/types.js";
import type { ChangeFeed } from "../state/change-feed.js";
import type { ReadTx } from "../state/store.js";
import { instanceSnapshots } from "./snapshots.js";

/**
 * The placement engine's view of each cluster, kept in memory between requests: derived from the
 * store (loaded on first use), kept in step by the code that commits placements and stops, and
 * dropped whenever it might be wrong (an instance changed, a write failed), to be loaded again.
 *
 * Every change goes through a store write, and writes run one at a time, so whoever reserves or
 * releases here does it inside its write: the next write's placement sees it even before the group
 * commit that holds both is on disk. That is what makes placement a single applier.
 */
export class PlacementIndex {
  private readonly clusters = new Map<string, ClusterState>();

  constructor(changes: ChangeFeed) {
    // Instance facts (status, agent, attributes, registered resources) are not patched: rebuilt.
    changes.subscribe((c) => {
      if (c.kind === "instance") this.clusters.delete(c.record.cluster);
    });
  }

  /** The cluster as the engine sees it; call inside the write that will commit the placements. */
  async state(tx: ReadTx, cluster: string): Promise<ClusterState> {
    let state = this.clusters.get(cluster);
    if (!state) {
      state = ClusterState.from(await instanceSnapshots(tx, cluster));
      this.clusters.set(cluster, state);
    }
    return state;
  }

  /** A placement written in the current transaction. */
  reserve(cluster: string, placement: Placement, task: TaskRecord): void {
    this.clusters.get(cluster)?.reserve(placement, { group: task.group, cpu: task.reservation.cpu, memory: task.reservation.memory });
  }

  /** A task now known STOPPED, in the current transaction: its resources are free again. */
  release(task: TaskRecord): void {
    const state = this.clusters.get(task.cluster);
    const instanceId = arnId(task.containerInstanceArn);
    if (!state || state.indexOf(instanceId) === undefined) return;
    state.release({ instanceId, group: task.group, cpu: task.reservation.cpu, memory: task.reservation.memory, tcpPorts: task.reservation.tcpPorts, udpPorts: task.reservation.udpPorts, gpuIds: [] });
  }

  /** After a write that may have reserved or released failed: the next use reloads from the store. */
  invalidate(cluster: string): void {
    this.clusters.delete(cluster);
  }
}
