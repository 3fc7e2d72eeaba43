import { serviceCountKey } from "../../domain/service-counts.js";
import { taskCountKey } from "../../domain/task-counts.js";
import type { Store, ReadTx } from "../../state/store.js";

/** One kind of record of a cluster, counted by count key (`taskCountKey`, `serviceCountKey`). */
interface Counted {
  /** Count key of each record counted (not STOPPED or INACTIVE), by the record's key. */
  readonly byKey: Map<string, string>;
  /** How many are under each count key. */
  readonly counts: Map<string, number>;
}

/** A record's new count key as a change sets it; undefined: no longer counted. */
type Heard = readonly [key: string, countKey: string | undefined];

interface ClusterEntry {
  tasks?: Counted;
  services?: Counted;
  /** One list per snapshot being read: what the log delivered since that read began, applied over it. */
  readonly heard: { readonly tasks: Set<Heard[]>; readonly services: Set<Heard[]> };
}

/**
 * A cluster's tasks counted by lastStatus and its services by status, each launch type apart
 * (`taskCountKey`, `serviceCountKey`), as the store's scans (`tx.tasks.countByStatus`,
 * `countServices`) answer, kept in memory from the change log:
 * DescribeClusters' counts and statistics cost O(1) instead of a scan of the cluster.
 *
 * Each count is loaded on first use from one snapshot (`tx.tasks.openStatuses`,
 * `tx.services.openStatuses`: one SQL statement each) and from then on follows the log. Why no
 * change is lost or counted twice: the store delivers a commit's changes only after the commit (and
 * its fsync), so a change delivered before the read began is in the snapshot; one delivered while
 * it is under way (PostgreSQL's statement runs on the server while the log goes on delivering; a
 * SQLite statement runs before its read returns) is heard and applied over the snapshot; one
 * delivered after the load is applied to it. Applying a change sets the record's count key (it
 * does not add to it), and changes arrive in order, so one that the snapshot already holds sets
 * what it already says, or an older key that the record's later change, delivered after it, sets
 * right again. The snapshot and the log derive a record's key by the same functions, so a service
 * whose strategy changes its launch type moves from one count to the other either way.
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
          this.hear(c.record.cluster, "services", [c.record.name, c.record.status === "INACTIVE" ? undefined : serviceCountKey(c.record)]);
        }
      },
      { onError },
    );
  }

  /** The same answer as `tx.tasks.countByStatus(cluster)`: open tasks by `taskCountKey`. */
  tasksByStatus(tx: ReadTx, cluster: string): Promise<ReadonlyMap<string, number>> {
    return this.counted(cluster, "tasks", async () => (await tx.tasks.openStatuses(cluster)).map((t) => [t.arn, t.countKey] as const));
  }

  /** The same answer as `countServices(tx, cluster)`: services not INACTIVE by `serviceCountKey`. */
  servicesByStatus(tx: ReadTx, cluster: string): Promise<ReadonlyMap<string, number>> {
    return this.counted(cluster, "services", async () => (await tx.services.openStatuses(cluster)).map((s) => [s.name, s.countKey] as const));
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
        for (const [key, countKey] of heard) set(counted, key, countKey);
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
  for (const [key, countKey] of rows) set(counted, key, countKey);
  return counted;
}

/** Sets a record's count key; undefined: no longer counted (STOPPED, INACTIVE). */
function set(counted: Counted, key: string, countKey: string | undefined): void {
  const before = counted.byKey.get(key);
  if (before === countKey) return;
  if (before !== undefined) {
    const n = (counted.counts.get(before) ?? 0) - 1;
    if (n === 0) counted.counts.delete(before);
    else counted.counts.set(before, n);
  }
  if (countKey === undefined) counted.byKey.delete(key);
  else {
    counted.byKey.set(key, countKey);
    counted.counts.set(countKey, (counted.counts.get(countKey) ?? 0) + 1);
  }
}
