import pg from "pg";
import { ChangeLog } from "../change-log.js";
import { readBack } from "../read-back.js";
import type { ChangeFeed, LoggedChange } from "../changes.js";
import type { ReadTx, Store, WriteTx } from "../store.js";
import { PostgresLeaderLease, type LeaderLeaseOptions } from "./leader-lease.js";
import { DedicatedConnection } from "./connection.js";
import { PostgresChangeTable, type ChangeRecorder } from "./change-table.js";
import { migrate } from "./migrate.js";
import { migrations } from "./migrations.js";
import { repositories } from "./repository-set.js";
import { sqlOver, types, type Sql } from "./sql.js";

export interface PostgresStoreOptions {
  /** A `postgres://` connection string. */
  readonly url: string;
  /** The schema the tables live in (one per region); created if missing. Default `public`. */
  readonly schema?: string;
  /** Most writes committed together in one transaction. */
  readonly maxBatch?: number;
  /** How many of the newest changes the change log keeps for subscribers to resume from. */
  readonly changesKept?: number;
  /** Connections of the read pool. */
  readonly readers?: number;
  /** How often the store looks for other replicas' commits when no notification came. */
  readonly followEveryMs?: number;
  /** How long the writer may sit inside a transaction sending nothing before the database ends it (default 5 s, a lease's length). */
  readonly writerIdleLimitMs?: number;
}

interface PendingWrite {
  run(tx: WriteTx): Promise<unknown>;
  settle(outcome: { ok: true; value: unknown } | { ok: false; error: unknown }): void;
}

/** Each schema (region) announces its commits on a channel of its own. */
const channelOf = (schema: string) => `berth_changes_${schema}`;

/** The writers' advisory lock, one per schema: a region's writes do not wait for another region's. */
const writeLockOfSchema = "SELECT pg_advisory_xact_lock(1650815604, hashtext(current_schema()))";


/**
 * The PostgreSQL store: the Store contract of sqlite-store.ts over a database that several replicas
 * share. Writes queue up and commit in groups on one writer connection, each in its own savepoint,
 * so one failing write rolls back alone and many share one commit (one WAL flush). Every
 * transaction first takes a transaction-scoped advisory lock shared by all replicas: writes are
 * serialized across replicas, which gives the change log revisions in commit order (change-table.ts)
 * and makes a re-check inside a write (the planner's) see every committed placement of every replica.
 *
 * Subscribers get every committed change of every replica, in revision order: a group's own
 * changes as saved, after whatever other replicas committed before them (read back from the log
 * table first); other replicas' commits as a NOTIFY in their transaction announces them, and by a
 * periodic look in case a notification was missed. A writer hears back once the commit is durable
 * and its changes were handed to the subscribers.
 *
 * A commit whose answer is lost (the connection broke during COMMIT) is reported as failed though
 * it may have committed; the log then delivers its changes like another replica's.
 */
export class PostgresStore implements Store {
  private readonly writeTx: WriteTx;
  private readonly readTx: ReadTx;
  private readonly log: PostgresChangeTable;
  private readonly writerSql: Sql;
  private readonly changeLog: ChangeLog;
  private queue: PendingWrite[] = [];
  private flushing = false;
  private closed = false;
  /** The newest revision handed to the subscribers. */
  private delivered: number;
  /** Deliveries run one at a time, in order. */
  private delivering: Promise<void> = Promise.resolve();
  private readonly follower: NodeJS.Timeout;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly writer: DedicatedConnection,
    private readonly listener: DedicatedConnection,
    /** The database this store is on (the registry's metadata shares it: regional-plane.ts). */
    readonly url: string,
    /** The schema its tables live in. */
    readonly schema: string,
    private readonly channel: string,
    head: number,
    private readonly maxBatch: number,
    changesKept: number,
    followEveryMs: number,
  ) {
    const reader = sqlOver(pool);
    this.readTx = repositories(reader, readOnly);
    this.writerSql = sqlOver(() => writer.current);
    this.log = new PostgresChangeTable(this.writerSql, reader, changesKept, (kind, key) => readBack(this.readTx, kind, key));
    this.writeTx = { ...repositories(this.writerSql, this.log), uncommitted: () => this.log.uncommitted(), revision: () => this.log.headInTransaction() };
    this.changeLog = new ChangeLog(this.log, head);
    this.delivered = head;
    this.follower = setInterval(() => this.follow(), followEveryMs).unref();
  }

  /** Connects, brings the schema up to date (one replica at a time), and follows the change log. */
  static async open({ url, schema = "public", maxBatch = 256, changesKept = 100_000, readers = 8, followEveryMs = 1000, writerIdleLimitMs = 5000 }: PostgresStoreOptions): Promise<PostgresStore> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
    const connection = { connectionString: url, types, options: `-c search_path=${schema}` };
    const pool = new pg.Pool({ ...connection, max: readers });
    // An idle pooled connection that breaks is dropped by the pool; its error must not end the process.
    pool.on("error", () => undefined);
    // A replica paused (or cut off) inside a transaction holds the write lock: the database ends
    // such a transaction after as long as a leader's lease, and the others write on.
    const writer = new DedicatedConnection({ ...connection, options: `${connection.options} -c idle_in_transaction_session_timeout=${writerIdleLimitMs}` });
    const notified: { store?: PostgresStore } = {};
    const listener = new DedicatedConnection(connection, (c) => c.query(`LISTEN ${channelOf(schema)}`).then(() => undefined), () => notified.store?.follow());
    try {
      await migrate(await writer.get(), schema, "schema_version", migrations);
      await listener.get();
      const head = (await pool.query<{ revision: number }>("SELECT revision FROM change_head WHERE id = 1")).rows[0]?.revision ?? 0;
      return (notified.store = new PostgresStore(pool, writer, listener, url, schema, channelOf(schema), head, maxBatch, changesKept, followEveryMs));
    } catch (err) {
      await Promise.allSettled([writer.end(), listener.end(), pool.end()]);
      throw err;
    }
  }

  get changes(): ChangeFeed {
    return this.changeLog;
  }

  /** Leadership among the replicas on this database and schema, by its lease (leader-lease.ts); not started yet. */
  lease(options: Omit<LeaderLeaseOptions, "url" | "schema"> & { readonly url?: string }): PostgresLeaderLease {
    return new PostgresLeaderLease((check) => this.fencedBy(check), { url: this.url, schema: this.schema, ...options });
  }

  /**
   * This store as a leader's controllers write to it: each write first runs `check` on the writer
   * connection inside its own transaction (leader-lease.ts), and rolls back if it throws.
   */
  fencedBy(check: (writer: Sql) => Promise<void>): Store {
    return {
      read: (fn) => this.read(fn),
      write: (fn) =>
        this.write(async (tx) => {
          await check(this.writerSql);
          return fn(tx);
        }),
      changes: this.changeLog,
      close: () => this.close(),
    };
  }

  read<T>(fn: (tx: ReadTx) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error("store is closed"));
    return fn(this.readTx);
  }

  write<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error("store is closed"));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        run: fn,
        settle: (o) => (o.ok ? resolve(o.value as T) : reject(o.error instanceof Error ? o.error : new Error(String(o.error)))),
      });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      const outcomes: Parameters<PendingWrite["settle"]>[0][] = [];
      // Async, so that a connection found broken is a rejection like any failed statement.
      const q = async (text: string, values?: unknown[]) => this.writer.current.query(text, values);
      try {
        await this.writer.get();
        await q("BEGIN");
        await q(writeLockOfSchema);
        await this.log.begin();
        // Each job in a savepoint of its own; the release of one and the next's savepoint go in one round trip.
        let held = false;
        for (const job of batch) {
          await q(held ? "RELEASE write; SAVEPOINT write" : "SAVEPOINT write");
          held = true;
          const mark = this.log.mark();
          try {
            const value = await job.run(this.writeTx);
            outcomes.push({ ok: true, value });
          } catch (error) {
            await q("ROLLBACK TO write; RELEASE write");
            held = false;
            this.log.rolledBackTo(mark);
            outcomes.push({ ok: false, error });
          }
        }
        if (this.log.uncommitted().length > 0) {
          await this.log.writePending();
          await q(`NOTIFY ${this.channel}`);
        }
        await q("COMMIT");
      } catch (error) {
        // Nothing of this batch is known to be durable (see the class comment on a lost COMMIT).
        await q("ROLLBACK").catch(() => undefined);
        this.log.takePending();
        batch.forEach((job) => job.settle({ ok: false, error }));
        continue;
      }
      await this.deliver(this.log.takePending());
      batch.forEach((job, i) => job.settle(outcomes[i]!));
    }
    this.flushing = false;
  }

  /** Hands the subscribers what other replicas committed up to now (a notification, or the periodic look). */
  private follow(): void {
    if (this.closed) return;
    // The listener reconnects here after it broke; meanwhile this periodic look is what follows.
    this.listener.get().catch(() => undefined);
    this.deliver([]).catch((err: unknown) => process.emitWarning(`following the PostgreSQL change log failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  /**
   * Hands the subscribers every committed change up to `own` (this replica's group, just committed)
   * in revision order: first those of other replicas that came before it, read back from the table.
   */
  private deliver(own: readonly LoggedChange[]): Promise<void> {
    const next = this.delivering.then(async () => {
      const first = own[0]?.revision;
      if (first !== undefined && first <= this.delivered) return;
      const through = first === undefined ? await this.log.head() : first - 1;
      while (this.delivered < through) {
        const count = Math.min(1000, through - this.delivered);
        // Revisions have no gaps, so the `count` rows after `delivered` are exactly the next ones.
        this.changeLog.committed(await this.log.since(this.delivered, count));
        this.delivered += count;
      }
      if (own.length > 0) {
        this.changeLog.committed(own);
        this.delivered = own[own.length - 1]!.revision;
      }
    });
    this.delivering = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    while (this.flushing) await new Promise((r) => setImmediate(r));
    this.closed = true;
    clearInterval(this.follower);
    await this.delivering;
    await Promise.allSettled([this.listener.end(), this.writer.end(), this.pool.end()]);
  }
}

/** The read pool's repositories never save; their recorder is never called. */
const readOnly: ChangeRecorder = {
  append: () => Promise.reject(new Error("a read transaction cannot save")),
};
