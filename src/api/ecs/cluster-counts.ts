import { taskCountKey } from "../../domain/task-counts.js";
import type { Store, ReadTx } from "../../state/store.js";

/** One kind of record of a cluster, counted by status. */
interface Counted {
  /** Status of each record counted (not STOPPED or INACTIVE), by key. */
  readonly byKey: Map<string, string>;
  /** How many are in each status. */
  readonly counts: Map<string, number>;
}

interface ClusterEntry {
  tasks?: Counted;
  services?: Counted;
}

/**
 * A cluster's tasks counted by lastStatus and its services by status, as the store's scans
 * (`tx.tasks.countByStatus`, `countServices`) answer, kept in memory from the change log:
 * DescribeClusters' counts and statistics cost O(1) instead of a scan of the cluster.
 *
 * Each count is loaded on first use from one snapshot (`tx.tasks.openStatuses`,
 * `tx.services.openStatuses`: one SQL statement each, run before it returns) and from then on
 * follows the log. Why no change is lost or counted twice: the store delivers a commit's changes
 * only after the commit (and its fsync), so a change delivered before the load is in the snapshot,
 * and one delivered after it is applied to the snapshot. Applying a change sets the record's status
 * (it does not add to it), and changes arrive in order, so one that the snapshot already holds sets
 * what it already says, or an older status that the record's later change, delivered after it,
 * sets right again.
 */
export class ClusterCounts {
  private readonly clusters = new Map<string, ClusterEntry>();
  private readonly unsubscribe: () => void;

  constructor(store: Store, onError: (err: unknown) => void) {
    this.unsubscribe = store.changes.subscribe(
      (c) => {
        if (c.kind === "task") {
          const tasks = this.clusters.get(c.record.cluster)?.tasks;
          if (tasks) set(tasks, c.record.arn, c.record.lastStatus === "STOPPED" ? undefined : taskCountKey(c.record.launchType, c.record.lastStatus));
        } else if (c.kind === "service") {
          const services = this.clusters.get(c.record.cluster)?.services;
          if (services) set(services, c.record.name, c.record.status === "INACTIVE" ? undefined : c.record.status);
        }
      },
      { onError },
    );
  }

  /** The same answer as `tx.tasks.countByStatus(cluster)`: open tasks by `taskCountKey`. */
  async tasksByStatus(tx: ReadTx, cluster: string): Promise<ReadonlyMap<string, number>> {
    const entry = this.entry(cluster);
    if (entry.tasks === undefined) {
      const open = await tx.tasks.openStatuses(cluster);
      // Another call may have loaded it meanwhile: that one has followed the log since, keep it.
      entry.tasks ??= loaded(open.map((t) => [t.arn, t.countKey]));
    }
    return new Map(entry.tasks.counts);
  }

  /** The cluster's services that are not INACTIVE, by status. */
  async servicesByStatus(tx: ReadTx, cluster: string): Promise<ReadonlyMap<string, number>> {
    const entry = this.entry(cluster);
    if (entry.services === undefined) {
      const open = await tx.services.openStatuses(cluster);
      entry.services ??= loaded(open.map((s) => [s.name, s.status]));
    }
    return new Map(entry.services.counts);
  }

  close(): void {
    this.unsubscribe();
  }

  private entry(cluster: string): ClusterEntry {
    let entry = this.clusters.get(cluster);
    if (entry === undefined) {
      entry = {};
      this.clusters.set(cluster, entry);
    }
    return entry;
  }
}

function loaded(rows: readonly (readonly [string, string])[]): Counted {
  const counted: Counted = { byKey: new Map(), counts: new Map() };
  for (const [key, status] of rows) set(counted, key, status);
  return counted;
}

/** Sets a record's status; undefined: no longer counted (STOPPED, INACTIVE). */
function set(counted: Counted, key: string, status: string | undefined): void {
  const before = counted.byKey.get(key);
  if (before === status) return;
  if (before !== undefined) {
    const n = (counted.counts.get(before) ?? 0) - 1;
    if (n === 0) counted.counts.delete(before);
    else counted.counts.set(before, n);
  }
  if (status === undefined) counted.byKey.delete(key);
  else {
    counted.byKey.set(key, status);
    counted.counts.set(status, (counted.counts.get(status) ?? 0) + 1);
  }
}
