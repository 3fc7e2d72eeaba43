import { taskCountKey } from "../../domain/task-counts.js";
import type { Store, ReadTx } from "../../state/store.js";

/** One kind of record of a cluster, counted by status. */
interface Counted {
  /** Status of each record counted (not STOPPED or INACTIVE), by key. */
  readonly byKey: Map<string, string>;
  /** How many are in each status. */
  readonly counts: Map<string, number>;
}

/** A record's new status as a change sets it; undefined: no longer counted. */
type Heard = readonly [key: string, status: string | undefined];

interface ClusterEntry {
  tasks?: Counted;
  services?: Counted;
  /** One list per snapshot being read: what the log delivered since that read began, applied over it. */
  readonly heard: { readonly tasks: Set<Heard[]>; readonly services: Set<Heard[]> };
}

/**
 * A cluster's tasks counted by lastStatus and its services by status, as the store's scans
 * (`tx.tasks.countByStatus`, `countServices`) answer, kept in memory from the change log:
 * DescribeClusters' counts and statistics cost O(1) instead of a scan of the cluster.
 *
 * Each count is loaded on first use from one snapshot (`tx.tasks.openStatuses`,
 * `tx.services.openStatuses`: one SQL statement each) and from then on follows the log. Why no
 * change is lost or counted twice: the store delivers a commit's changes only after the commit (and
 * its fsync), so a change delivered before the read began is in the snapshot; one delivered while
 * it is under way (PostgreSQL's statement runs on the server while the log goes on delivering; a
 * SQLite statement runs before its read returns) is heard and applied over the snapshot; one
 * delivered after the load is applied to it. Applying a change sets the record's status (it does
 * not add to it), and changes arrive in order, so one that the snapshot already holds sets what it
 * already says, or an older status that the record's later change, delivered after it, sets right
 * again.
 */
export class ClusterCounts {
  private readonly clusters = new Map<string, ClusterEntry>();
  private readonly unsubscribe: () => void;

  constructor(store: Store, onError: (err: unknown) => void) {
    this.unsubscribe = store.changes.subscribe(
      (c) => {
        if (c.kind === "task") {
          this.hear(c.record.cluster, "tasks", [c.record.arn, c.record.lastStatus === "STOPPED" ? undefined : taskCountKey(c.record.launchType, c.record.lastStatus)]);
        } else if (c.kind === "service") {
          this.hear(c.record.cluster, "services", [c.record.name, c.record.status === "INACTIVE" ? undefined : c.record.status]);
        }
      },
      { onError },
    );
  }

  /** The same answer as `tx.tasks.countByStatus(cluster)`: open tasks by `taskCountKey`. */
  tasksByStatus(tx: ReadTx, cluster: string): Promise<ReadonlyMap<string, number>> {
    return this.counted(cluster, "tasks", async () => (await tx.tasks.openStatuses(cluster)).map((t) => [t.arn, t.countKey] as const));
  }

  /** The cluster's services that are not INACTIVE, by status. */
  servicesByStatus(tx: ReadTx, cluster: string): Promise<ReadonlyMap<string, number>> {
    return this.counted(cluster, "services", async () => (await tx.services.openStatuses(cluster)).map((s) => [s.name, s.status] as const));
  }

  close(): void {
    this.unsubscribe();
  }

  private async counted(cluster: string, kind: "tasks" | "services", snapshot: () => Promise<readonly (readonly [string, string])[]>): Promise<ReadonlyMap<string, number>> {
    const entry = this.entry(cluster);
    if (entry[kind] === undefined) {
      const heard: Heard[] = [];
      entry.heard[kind].add(heard);
      try {
        const counted = loaded(await snapshot());
        for (const [key, status] of heard) set(counted, key, status);
        // Another call may have loaded it meanwhile: that one has followed the log since, keep it.
        entry[kind] ??= counted;
      } finally {
        entry.heard[kind].delete(heard);
      }
    }
    return new Map(entry[kind].counts);
  }

  private hear(cluster: string, kind: "tasks" | "services", change: Heard): void {
    const entry = this.clusters.get(cluster);
    if (entry === undefined) return;
    const counted = entry[kind];
    if (counted) set(counted, change[0], change[1]);
    for (const heard of entry.heard[kind]) heard.push(change);
  }

  private entry(cluster: string): ClusterEntry {
    let entry = this.clusters.get(cluster);
    if (entry === undefined) {
      entry = { heard: { tasks: new Set(), services: new Set() } };
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
