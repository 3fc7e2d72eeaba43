import type { ContainerInstanceRecord } from "../../domain/container-instance.js";
import type { LoggedChange } from "../../state/changes.js";
import type { ReadTx, Store } from "../../state/store.js";

/**
 * What a reconcile reads of one container instance: its lifecycle facts and what a DAEMON
 * service's filter evaluates. Attributes are kept as a map, built once per change of the instance.
 */
export interface InstanceRow {
  readonly arn: string;
  readonly cluster: string;
  readonly status: ContainerInstanceRecord["status"];
  readonly agentConnected: boolean;
  readonly agentDisconnectedAtMs?: number | undefined;
  readonly attributes: ReadonlyMap<string, string | null>;
  readonly agentVersion: string | undefined;
  readonly ec2InstanceId: string;
  readonly registeredAtMs: number;
}

export const rowOf = (i: ContainerInstanceRecord): InstanceRow => ({
  arn: i.arn,
  cluster: i.cluster,
  status: i.status,
  agentConnected: i.agentConnected,
  agentDisconnectedAtMs: i.agentDisconnectedAtMs,
  attributes: new Map(i.attributes.map((a) => [a.name ?? "", a.value ?? null])),
  agentVersion: i.versionInfo.agentVersion,
  ec2InstanceId: i.ec2InstanceId,
  registeredAtMs: i.registeredAtMs,
});

interface Entry {
  /** The newest revision reflected here; older deliveries change nothing. */
  position: number;
  readonly rows: Map<string, InstanceRow>;
  /** Changes delivered while the cluster's pages are read: applied over them once read. */
  pending: ContainerInstanceRecord[] | undefined;
}

/**
 * The instances of each cluster as reconciles need them, read from the store once per cluster
 * (on first use) and then kept by the change log, so that a reconcile reads no instance record.
 *
 * Why not the planner's placement index: it loads a cluster only inside a write, together with
 * every task holding resources there, and the planner's freshness check depends on when it loads;
 * reconciles run in reads, for clusters the planner may never place on (DAEMON services, idle ones).
 *
 * Consistency: the load reads the log's head before the instances, so what it reads is at least as
 * new as its position, and every later change is delivered with a higher revision and replaces
 * the row whole (the log delivers the record as stored). A row is at most one delivery behind the
 * store, as a snapshot read before a write always was: the apply step re-reads what it touches.
 */
export class InstanceFactsCache {
  private readonly clusters = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    onError: (err: unknown) => void,
  ) {
    // A subscriber that missed changes (the log trimmed them) cannot trust what it kept: every
    // cluster is read afresh on its next use.
    const lost = (err: unknown): void => {
      this.clusters.clear();
      onError(err);
    };
    this.unsubscribe = store.changes.subscribe((c) => this.apply(c), { onError: lost });
  }

  /** Every instance of the cluster the store lists (any status), by ARN. */
  async of(tx: ReadTx, cluster: string): Promise<ReadonlyMap<string, InstanceRow>> {
    const entry = this.clusters.get(cluster);
    if (entry && entry.pending === undefined) return entry.rows;
    let loading = this.loading.get(cluster);
    if (!loading) {
      loading = this.load(tx, cluster).finally(() => this.loading.delete(cluster));
      this.loading.set(cluster, loading);
    }
    await loading;
    return this.of(tx, cluster);
  }

  close(): void {
    this.unsubscribe();
  }

  private async load(tx: ReadTx, cluster: string): Promise<void> {
    const entry: Entry = { position: await this.store.changes.head(), rows: new Map(), pending: [] };
    this.clusters.set(cluster, entry);
    try {
      let after: string | undefined;
      do {
        const page = await tx.containerInstances.list(cluster, { limit: 1000, after });
        for (const i of page.items) entry.rows.set(i.arn, rowOf(i));
        after = page.nextAfter;
      } while (after);
    } catch (err) {
      this.clusters.delete(cluster);
      throw err;
    }
    // A change committed while the pages were read may be missing from them: applied over them
    // (the log delivers each in revision order, so the newest one is applied last).
    for (const record of entry.pending ?? []) entry.rows.set(record.arn, rowOf(record));
    entry.pending = undefined;
  }

  private apply(c: LoggedChange): void {
    if (c.kind !== "instance") return;
    const entry = this.clusters.get(c.record.cluster);
    if (entry === undefined || c.revision <= entry.position) return;
    entry.position = c.revision;
    if (entry.pending !== undefined) entry.pending.push(c.record);
    else entry.rows.set(c.record.arn, rowOf(c.record));
  }
}
