import type pg from "pg";
import { DedicatedConnection } from "./connection.js";
import { NotLeaderError, type Leadership } from "../leadership.js";
import type { Store } from "../store.js";
import type { Sql } from "./sql.js";

export interface LeaderLeaseOptions {
  readonly url: string;
  readonly schema: string;
  /** This replica, as the lease row names its holder: unique per process. */
  readonly holder: string;
  /** How long a taken or renewed lease lasts, by the database's clock. */
  readonly ttlMs?: number;
  /** How often the leader renews, and the others look whether the lease ran out. */
  readonly renewEveryMs?: number;
  /** Monotonic milliseconds. */
  readonly now?: () => number;
  readonly onError?: (err: unknown) => void;
}

/**
 * Leadership by a lease row in the database (`leader_lease`, migration 1), with a term that fences
 * the leader's writes. How the guarantees hold:
 *
 * - Taking the lease: a replica sets itself holder with the next term only where the lease has run
 *   out by the database's clock. Renewing: the holder moves `expires_at` on, only in its own term.
 * - Stepping down first: the leader counts its lease from the moment it *sent* the renewal (so no
 *   later than the database's) and stops leading `marginMs` before that runs out, whether or not
 *   the database answers: cut off from it, or paused, it stops before anyone can take over.
 * - Fencing: each write of the leader's controllers checks, inside its transaction, that the lease
 *   is still its own term and unexpired, and holds the row `FOR SHARE` until it commits. Taking the
 *   lease updates that row, so it waits for such a write to end: every write of term n commits
 *   before term n + 1 begins, and any write of term n after that is refused (NotLeaderError).
 */
export class PostgresLeaderLease implements Leadership {
  readonly store: Store;
  private readonly ttlMs: number;
  private readonly renewEveryMs: number;
  private readonly marginMs: number;
  private readonly now: () => number;
  /** The lease's own connection: renewals never wait behind the store's writes. */
  private readonly connection: DedicatedConnection;
  private term = 0;
  /** Until when (monotonic ms) this replica may act as leader; 0 while it does not lead. */
  private validUntil = 0;
  /** What the listeners were last told. */
  private told = false;
  private readonly listeners = new Set<(leading: boolean) => void>();
  private timer: NodeJS.Timeout | undefined;
  private stepDown: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    /** The store as writes checked by `check` inside their transaction see it (PostgresStore.fencedBy). */
    fenced: (check: (writer: Sql) => Promise<void>) => Store,
    private readonly opts: LeaderLeaseOptions,
  ) {
    this.ttlMs = opts.ttlMs ?? 5000;
    this.renewEveryMs = opts.renewEveryMs ?? 1000;
    this.marginMs = Math.max(this.renewEveryMs, this.ttlMs / 5);
    if (this.ttlMs <= this.marginMs + this.renewEveryMs) throw new Error("the lease must outlast a renewal period and the margin");
    this.now = opts.now ?? (() => performance.now());
    this.connection = new DedicatedConnection({
      connectionString: opts.url,
      options: `-c search_path=${opts.schema}`,
      // A renewal that has not come back by the next one is given up (and the lease counted down).
      query_timeout: this.renewEveryMs,
      connectionTimeoutMillis: this.renewEveryMs,
    });
    this.store = fenced((sql) => this.checkStillLeading(sql));
  }

  get leading(): boolean {
    return this.validUntil > this.now();
  }

  /** Starts trying to lead (at once, then every `renewEveryMs`). */
  start(): void {
    void this.tick();
  }

  onChange(fn: (leading: boolean) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const wasLeading = this.leading;
    this.setLeading(false);
    // Hands the lease over at once instead of letting it run out.
    if (wasLeading) await this.query("UPDATE leader_lease SET expires_at = '-infinity' WHERE id = 1 AND term = $1 AND holder = $2", [this.term, this.opts.holder]).catch(() => undefined);
    await this.connection.end();
  }

  /** A replica is alive while heard within a lease's length. */
  get silentAfterMs(): number {
    return this.ttlMs;
  }

  readonly replicas = async (): Promise<ReadonlyMap<string, number>> => {
    const rows = await this.query<{ holder: string; seen_ms: number }>("SELECT holder, (extract(epoch FROM seen_at) * 1000)::bigint AS seen_ms FROM replicas");
    return new Map(rows.map((r) => [r.holder, Number(r.seen_ms)]));
  };

  private async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    return (await (await this.connection.get()).query<R>(text, values)).rows;
  }

  private async tick(): Promise<void> {
    const sentAt = this.now();
    try {
      const client = await this.connection.get();
      // Heard: every replica says so each period, leader or not.
      await client.query(
        "INSERT INTO replicas (holder, seen_at) VALUES ($1, clock_timestamp()) ON CONFLICT (holder) DO UPDATE SET seen_at = excluded.seen_at",
        [this.opts.holder],
      );
      const row = this.leading
        ? await client.query<{ term: number }>(
            "UPDATE leader_lease SET expires_at = clock_timestamp() + $3 * interval '1 millisecond' WHERE id = 1 AND term = $1 AND holder = $2 RETURNING term",
            [this.term, this.opts.holder, this.ttlMs],
          )
        : await client.query<{ term: number }>(
            `UPDATE leader_lease SET term = term + 1, holder = $1, expires_at = clock_timestamp() + $2 * interval '1 millisecond'
             WHERE id = 1 AND expires_at < clock_timestamp() RETURNING term`,
            [this.opts.holder, this.ttlMs],
          );
      const term = row.rows[0]?.term;
      if (this.closed) return;
      if (term === undefined) this.setLeading(false);
      else {
        // A new term forgets the replicas not heard for a day (each process start is a replica of its own).
        if (!this.leading) await client.query("DELETE FROM replicas WHERE seen_at < clock_timestamp() - interval '1 day'");
        this.term = Number(term);
        this.setLeading(true, sentAt + this.ttlMs - this.marginMs);
      }
    } catch (err) {
      // No answer: the lease is counted down as it stands, and the connection made anew.
      await this.connection.end();
      this.opts.onError?.(err);
    } finally {
      if (!this.closed) this.timer = setTimeout(() => void this.tick(), this.renewEveryMs);
    }
  }

  private setLeading(leading: boolean, until = 0): void {
    this.validUntil = leading ? until : 0;
    clearTimeout(this.stepDown);
    if (leading) this.stepDownAt(until);
    if (this.told === leading) return;
    this.told = leading;
    for (const fn of this.listeners) fn(leading);
  }

  /** Tells the listeners once the lease, counted by `now`, has run out (unless a renewal came first). */
  private stepDownAt(until: number): void {
    this.stepDown = setTimeout(
      () => (this.validUntil > this.now() ? this.stepDownAt(until) : this.setLeading(false)),
      Math.max(1, Math.min(until - this.now(), this.renewEveryMs)),
    );
  }

  /** Inside a controller's write: refuses it unless this replica still holds the lease in its term (see the class comment). */
  private async checkStillLeading(sql: Sql): Promise<void> {
    const term = this.term;
    if (!this.leading) throw new NotLeaderError(term);
    const row = await sql.row<{ term: number }>(
      "SELECT term FROM leader_lease WHERE id = 1 AND term = $1 AND holder = $2 AND expires_at > clock_timestamp() FOR SHARE",
      [term, this.opts.holder],
    );
    if (row === undefined) throw new NotLeaderError(term);
  }
}
