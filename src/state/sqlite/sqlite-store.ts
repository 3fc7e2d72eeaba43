import Sqlite, { type Database } from "better-sqlite3";
import { openSync, closeSync, fdatasync } from "node:fs";
import { promisify } from "node:util";
import { ChangeLog } from "../change-log.js";
import { readBack } from "../read-back.js";
import type { ChangeFeed } from "../changes.js";
import type { ReadTx, Store, WriteTx } from "../store.js";
import { SqliteAccountSettings } from "./account-settings.js";
import { SqliteAgentCredentials } from "./agent-credentials.js";
import { SqliteCapacityProviders } from "./capacity-providers.js";
import { SqliteChangeTable, type ChangeRecorder } from "./change-table.js";
import { SqliteEcsEvents } from "./ecs-events.js";
import { SqliteEventRules } from "./event-rules.js";
import { SqliteLogs } from "./logs.js";
import { SqliteParameters } from "./parameters.js";
import { SqliteSchedules } from "./schedules.js";
import { SqliteSecurityGroups } from "./security-groups.js";
import { SqliteSecrets } from "./secrets.js";
import { SqliteMetrics } from "./metrics.js";
import { SqliteAlarms } from "./alarms.js";
import { SqliteAutoScaling } from "./autoscaling.js";
import { SqliteIam } from "./iam-repositories.js";
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
  /** How many of the newest changes the change log keeps for subscribers to resume from. */
  readonly changesKept?: number;
  /** Puts a file's written data on disk (fdatasync on libuv's thread pool); tests hold it back or fail it. */
  readonly syncData?: (fd: number) => Promise<void>;
}

interface PendingWrite {
  run(tx: WriteTx): Promise<unknown>;
  settle(outcome: { ok: true; value: unknown } | { ok: false; error: unknown }): void;
}

/**
 * The embedded store: better-sqlite3 in WAL mode, and a write is on disk before it is acknowledged.
 * Writes queue up and are committed in groups (each write in its own savepoint, so one failing
 * write rolls back alone): many concurrent requests share one fsync. Reads use a second connection
 * that sees only committed data. Every save of a versioned record appends to the change log inside
 * its write; once a group is on disk the log hands its changes to the subscribers, before any
 * writer of the group hears back.
 *
 * The fsync runs off the event loop. better-sqlite3 is synchronous, and with `synchronous = FULL`
 * SQLite would fsync the WAL inside COMMIT, stopping every request, agent message and timer of the
 * process for the length of the disk's flush. Instead the writer runs with `synchronous = NORMAL`
 * (SQLite keeps the database consistent and syncs around its checkpoints itself, but does not sync
 * at commit) and the store fdatasyncs the WAL file on libuv's thread pool after each group commit,
 * acknowledging the group only when that returns: the same promise as FULL, while the process
 * serves reads and parses the next requests. A crash of the process loses nothing acknowledged
 * (committed frames are in the OS's cache the moment COMMIT returns); a power cut loses nothing
 * acknowledged either, only what was committed and not yet acknowledged, which a reader may have
 * seen for the length of one fsync.
 *
 * A write function must touch nothing but its transaction: the batch waits for it.
 */
export class SqliteStore implements Store {
  private readonly writer: Database;
  private readonly reader: Database;
  private readonly writeTx: WriteTx;
  private readonly readTx: ReadTx;
  private readonly maxBatch: number;
  private readonly log: SqliteChangeTable;
  private readonly changeLog: ChangeLog;
  /** Transaction control as prepared statements: exec() would parse the SQL for every write. */
  private readonly sql: Record<"begin" | "savepoint" | "release" | "rollbackTo" | "commit" | "rollback", Sqlite.Statement>;
  /** The WAL file, synced after each group commit; undefined in memory. */
  private readonly wal: number | undefined;
  private readonly syncData: (fd: number) => Promise<void>;
  private queue: PendingWrite[] = [];
  private flushing = false;
  private closed = false;

  constructor({ path, maxBatch = 256, changesKept = 100_000, syncData = promisify(fdatasync) }: SqliteStoreOptions) {
    this.writer = new Sqlite(path);
    this.writer.pragma("journal_mode = WAL");
    this.writer.pragma("synchronous = NORMAL");
    this.writer.pragma("foreign_keys = ON");
    // 64 MiB of page cache (SQLite's default is 2 MiB): a group commit's writes and the planner's
    // re-check reads inside it stay in memory instead of going back to the WAL file page by page.
    this.writer.pragma("cache_size = -65536");
    migrate(this.writer);
    // The WAL exists once the migrations ran and stays (SQLite deletes it only when the last connection closes).
    this.wal = path === ":memory:" ? undefined : openSync(`${path}-wal`, "r");
    this.syncData = syncData;
    this.reader = path === ":memory:" ? this.writer : readerOf(path);
    this.readTx = repositories(this.reader, readOnly);
    this.log = new SqliteChangeTable(this.writer, this.reader, changesKept, (kind, key) => readBack(this.readTx, kind, key));
    this.changeLog = new ChangeLog(this.log, this.log.headNow());
    this.writeTx = { ...repositories(this.writer, this.log), uncommitted: () => this.log.uncommitted(), revision: () => this.log.headInTransaction() };
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

  get changes(): ChangeFeed {
    return this.changeLog;
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
          const mark = this.log.mark();
          try {
            const value = await job.run(this.writeTx);
            this.sql.release.run();
            outcomes.push({ ok: true, value });
          } catch (error) {
            this.sql.rollbackTo.run();
            this.sql.release.run();
            this.log.rolledBackTo(mark);
            outcomes.push({ ok: false, error });
          }
        }
        this.log.trim();
        this.sql.commit.run();
      } catch (error) {
        // The commit itself failed (disk full, I/O error): nothing in this batch is durable.
        if (this.writer.inTransaction) this.sql.rollback.run();
        this.log.takePending();
        batch.forEach((job) => job.settle({ ok: false, error }));
        continue;
      }
      try {
        if (this.wal !== undefined) await this.syncData(this.wal);
      } catch (error) {
        // Committed but perhaps not on disk, and after a failed fsync the OS may not say so again:
        // nobody hears of this group as done, and the store takes no more writes (as PostgreSQL panics).
        this.closed = true;
        this.log.takePending();
        for (const job of [...batch, ...this.queue.splice(0)]) job.settle({ ok: false, error });
        break;
      }
      this.changeLog.committed(this.log.takePending());
      batch.forEach((job, i) => job.settle(outcomes[i]!));
    }
    this.flushing = false;
  }

  async close(): Promise<void> {
    while (this.flushing) await new Promise((r) => setImmediate(r));
    this.closed = true;
    if (this.reader !== this.writer) this.reader.close();
    this.writer.close();
    if (this.wal !== undefined) closeSync(this.wal);
  }
}

/**
 * The connection every read outside a write goes through. Its pages are mapped (256 MiB of the
 * file) and cached (64 MiB): a read of a day of 1,000 metrics touches 5,000 pages, which SQLite's
 * default 2 MiB cache would read back from the file, a system call each, on every call.
 */
function readerOf(path: string): Database {
  const reader = new Sqlite(path, { readonly: true });
  reader.pragma("cache_size = -65536");
  reader.pragma("mmap_size = 268435456");
  return reader;
}

/** The reader connection's repositories never save; their recorder is never called. */
const readOnly: ChangeRecorder = {
  append: () => {
    throw new Error("a read transaction cannot save");
  },
};

function repositories(db: Database, log: ChangeRecorder): Omit<WriteTx, "uncommitted" | "revision"> {
  return {
    clusters: new SqliteClusters(db, log),
    taskDefinitions: new SqliteTaskDefinitions(db),
    tags: new SqliteTags(db),
    containerInstances: new SqliteContainerInstances(db, log),
    tasks: new SqliteTasks(db, log),
    services: new SqliteServices(db, log),
    agentCredentials: new SqliteAgentCredentials(db),
    accountSettings: new SqliteAccountSettings(db),
    iam: new SqliteIam(db),
    loadBalancing: new SqliteLoadBalancing(db),
    eventRules: new SqliteEventRules(db),
    secrets: new SqliteSecrets(db),
    capacityProviders: new SqliteCapacityProviders(db),
    logs: new SqliteLogs(db),
    parameters: new SqliteParameters(db),
    ecsEvents: new SqliteEcsEvents(db),
    schedules: new SqliteSchedules(db),
    metrics: new SqliteMetrics(db),
    alarms: new SqliteAlarms(db),
    autoScaling: new SqliteAutoScaling(db),

    securityGroups: new SqliteSecurityGroups(db),
  };
}

function migrate(db: Database): void {
  const current = db.pragma("user_version", { simple: true });
  for (const m of migrations) {
    if (typeof current === "number" && m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      m.data?.(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
