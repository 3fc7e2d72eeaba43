import type { Store, ReadTx } from "../../state/store.js";

interface ClusterCounts {
  /** lastStatus of each task not STOPPED, by task ARN. */
  readonly byTask: Map<string, string>;
  /** How many of them are in each lastStatus. */
  readonly counts: Map<string, number>;
}

/**
 * A cluster's tasks counted by lastStatus, as `tx.tasks.countByStatus` answers, kept in memory from
 * the change log: DescribeClusters' statistics cost O(1) instead of a scan of the cluster's tasks.
 *
 * A cluster is loaded on first use from one snapshot of its open tasks (`openStatuses`: one SQL
 * statement, run before it returns) and from then on follows the log. Why no change is lost or
 * counted twice: the store delivers a commit's changes only after the commit (and its fsync), so a
 * change delivered before the load is in the snapshot, and one delivered after it is applied to the
 * snapshot. Applying a change sets the task's status (it does not add to it), and changes arrive in
 * order, so one that the snapshot already holds sets what it already says, or an older status
 * that the task's later change, delivered after it, sets right again.
 */
export class TaskStatusCounts {
  private readonly clusters = new Map<string, ClusterCounts>();
  private readonly unsubscribe: () => void;

  constructor(store: Store, onError: (err: unknown) => void) {
    this.unsubscribe = store.changes.subscribe(
      (c) => {
        if (c.kind !== "task") return;
        const entry = this.clusters.get(c.record.cluster);
        if (entry) set(entry, c.record.arn, c.record.lastStatus);
      },
      { onError },
    );
  }

  /** The same answer as `tx.tasks.countByStatus(cluster)`. */
  async countByStatus(tx: ReadTx, cluster: string): Promise<ReadonlyMap<string, number>> {
    let entry = this.clusters.get(cluster);
    if (entry === undefined) {
      const open = await tx.tasks.openStatuses(cluster);
      // Another call may have loaded it meanwhile: that one has followed the log since, keep it.
      entry = this.clusters.get(cluster);
      if (entry === undefined) {
        entry = { byTask: new Map(), counts: new Map() };
        for (const t of open) set(entry, t.arn, t.lastStatus);
        this.clusters.set(cluster, entry);
      }
    }
    return new Map(entry.counts);
  }

  close(): void {
    this.unsubscribe();
  }
}

function set(entry: ClusterCounts, arn: string, status: string): void {
  const before = entry.byTask.get(arn);
  const after = status === "STOPPED" ? undefined : status;
  if (before === after) return;
  if (before !== undefined) {
    const n = (entry.counts.get(before) ?? 0) - 1;
    if (n === 0) entry.counts.delete(before);
    else entry.counts.set(before, n);
  }
  if (after === undefined) entry.byTask.delete(arn);
  else {
    entry.byTask.set(arn, after);
    entry.counts.set(after, (entry.counts.get(after) ?? 0) + 1);
  }
}
