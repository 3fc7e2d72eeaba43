import Sqlite, { type Database } from "better-sqlite3";
import type { ReadTx, Store, WriteTx } from "../store.js";
import { SqliteAgentCredentials } from "./agent-credentials.js";
import { SqliteLoadBalancing } from "./load-balancing.js";
import { migrations } from "./migrations.js";
import { SqliteClusters, SqliteTags, SqliteTaskDefinitions } from "./repositories.js";
import { SqliteServices } from "./service-repositories.js";
import { SqliteContainerInstances, SqliteTasks } from "./task-repositories.js";

export interface SqliteStoreOptions {
  /** Database file, or ":memory:" for tests (then reads go through the writer connection). */
  readonly path: string;
  /** Most writes committed together with one fsync. */
  readonly maxBatch?: number;
}

interface PendingWrite {
  run(tx: WriteTx): Promise<unknown>;
  settle(outcome: { ok: true; value: unknown } | { ok: false; error: unknown }): void;
}

/**
 * The embedded store: better-sqlite3 in WAL mode with `synchronous = FULL`, so a write is on disk
 * before it is acknowledged. Writes queue up and are committed in groups (each write in its own
 * savepoint, so one failing write rolls back alone): many concurrent requests share one fsync.
 * Reads use a second connection that sees only committed data.
 *
 * A write function must touch nothing but its transaction: the batch waits for it.
 */
export class SqliteStore implements Store {
  private readonly writer: Database;
  private readonly reader: Database;
  private readonly writeTx: WriteTx;
  private readonly readTx: ReadTx;
  private readonly maxBatch: number;
  /** Transaction control as prepared statements: exec() would parse the SQL for every write. */
  private readonly sql: Record<"begin" | "savepoint" | "release" | "rollbackTo" | "commit" | "rollback", Sqlite.Statement>;
  private queue: PendingWrite[] = [];
  private flushing = false;
  private closed = false;

  constructor({ path, maxBatch = 256 }: SqliteStoreOptions) {
    this.writer = new Sqlite(path);
    this.writer.pragma("journal_mode = WAL");
    this.writer.pragma("synchronous = FULL");
    this.writer.pragma("foreign_keys = ON");
    migrate(this.writer);
    this.reader = path === ":memory:" ? this.writer : new Sqlite(path, { readonly: true });
    this.writeTx = repositories(this.writer);
    this.readTx = repositories(this.reader);
    this.maxBatch = maxBatch;
    const prepare = (text: string) => this.writer.prepare(text);
    this.sql = {
      begin: prepare("BEGIN IMMEDIATE"),
      savepoint: prepare("SAVEPOINT write"),
      release: prepare("RELEASE write"),
      rollbackTo: prepare("ROLLBACK TO write"),
      commit: prepare("COMMIT"),
      rollback: prepare("ROLLBACK"),
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
        // The value is the one `fn` produced for this very promise.
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
      try {
        this.sql.begin.run();
        for (const job of batch) {
          this.sql.savepoint.run();
          try {
            const value = await job.run(this.writeTx);
            this.sql.release.run();
            outcomes.push({ ok: true, value });
          } catch (error) {
            this.sql.rollbackTo.run();
            this.sql.release.run();
            outcomes.push({ ok: false, error });
          }
        }
        this.sql.commit.run();
      } catch (error) {
        // The commit itself failed (disk full, I/O error): nothing in this batch is durable.
        if (this.writer.inTransaction) this.sql.rollback.run();
        batch.forEach((job) => job.settle({ ok: false, error }));
        continue;
      }
      batch.forEach((job, i) => job.settle(outcomes[i]!));
    }
    this.flushing = false;
  }

  async close(): Promise<void> {
    while (this.flushing) await new Promise((r) => setImmediate(r));
    this.closed = true;
    if (this.reader !== this.writer) this.reader.close();
    this.writer.close();
  }
}

function repositories(db: Database): WriteTx {
  return {
    clusters: new SqliteClusters(db),
    taskDefinitions: new SqliteTaskDefinitions(db),
    tags: new SqliteTags(db),
    containerInstances: new SqliteContainerInstances(db),
    tasks: new SqliteTasks(db),
    services: new SqliteServices(db),
    agentCredentials: new SqliteAgentCredentials(db),
    loadBalancing: new SqliteLoadBalancing(db),
  };
}

function migrate(db: Database): void {
  const current = db.pragma("user_version", { simple: true });
  for (const m of migrations) {
    if (typeof current === "number" && m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
