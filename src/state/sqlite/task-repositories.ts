import type { Database, Statement } from "better-sqlite3";
import type { ContainerInstanceRecord, ContainerInstanceStatus, Reservation } from "../../domain/container-instance.js";
import type { TaskRecord } from "../../domain/task.js";
import type { ContainerInstanceRepository, Page, PageRequest, RunTaskRecord, TaskQuery, TaskRepository } from "../store.js";
import { page } from "../page.js";
import { taskColumns } from "../task-columns.js";
import { parseDoc, type DocRow, type VersionRow } from "./rows.js";
import type { ChangeRecorder } from "./change-table.js";
import { saveVersioned } from "./versioned.js";
import { taskCountKey } from "../../domain/task-counts.js";

interface InstanceRow {
  arn: string;
  cluster: string;
  status: string;
  version: number;
  doc: string;
}

export class SqliteContainerInstances implements ContainerInstanceRepository {
  private readonly getStmt: Statement<[string], DocRow>;
  private readonly listStmt: Statement<[{ cluster: string; after: string; status: string; limit: number }], DocRow>;
  private readonly insertStmt: Statement<[InstanceRow]>;
  private readonly updateStmt: Statement<[InstanceRow]>;
  private readonly versionStmt: Statement<[string], VersionRow>;
  private readonly countStmt: Statement<[string], { n: number }>;

  constructor(db: Database, private readonly log: ChangeRecorder) {
    this.getStmt = db.prepare("SELECT doc FROM container_instances WHERE arn = ?");
    this.countStmt = db.prepare("SELECT count(*) AS n FROM container_instances WHERE cluster = ? AND status <> 'INACTIVE'");
    this.listStmt = db.prepare(
      `SELECT doc FROM container_instances WHERE cluster = @cluster AND arn > @after AND (@status = '' OR status = @status OR (@status = 'REGISTERED' AND status <> 'INACTIVE'))
       ORDER BY arn LIMIT @limit`,
    );
    this.insertStmt = db.prepare(
      `INSERT INTO container_instances (arn, cluster, status, version, doc) VALUES (@arn, @cluster, @status, @version, @doc)
       ON CONFLICT (arn) DO NOTHING`,
    );
    this.updateStmt = db.prepare(
      "UPDATE container_instances SET status = @status, version = @version, doc = @doc WHERE arn = @arn AND version = @version - 1",
    );
    this.versionStmt = db.prepare("SELECT version FROM container_instances WHERE arn = ?");
  }

  get(arn: string): Promise<ContainerInstanceRecord | undefined> {
    const row = this.getStmt.get(arn);
    return Promise.resolve(row && parseDoc<ContainerInstanceRecord>(row));
  }

  list(cluster: string, req: PageRequest & { readonly status?: ContainerInstanceStatus | "REGISTERED" }): Promise<Page<ContainerInstanceRecord>> {
    const rows = this.listStmt
      .all({ cluster, after: req.after ?? "", status: req.status ?? "", limit: req.limit + 1 })
      .map((r) => parseDoc<ContainerInstanceRecord>(r));
    return Promise.resolve(page(rows, req, (i) => i.arn));
  }

  countRegistered(cluster: string): Promise<number> {
    return Promise.resolve(this.countStmt.get(cluster)?.n ?? 0);
  }

  put(record: ContainerInstanceRecord): Promise<void> {
    const row: InstanceRow = { arn: record.arn, cluster: record.cluster, status: record.status, version: record.version, doc: JSON.stringify(record) };
    saveVersioned({
      kind: "containerInstance",
      key: record.arn,
      version: record.version,
      insert: () => this.insertStmt.run(row).changes,
      update: () => this.updateStmt.run(row).changes,
      stored: () => this.versionStmt.get(record.arn)?.version,
      change: { kind: "instance", record },
    }, this.log);
    return Promise.resolve();
  }
}

export class SqliteTasks implements TaskRepository {
  private readonly db: Database;
  private readonly getStmt: Statement<[string], DocRow>;
  private readonly holdingStmt: Statement<[string], DocRow>;
  private readonly reservedStmt: Statement<[string], { r: string }>;
  private readonly ofServiceStmt: Statement<[string, string], DocRow>;
  private readonly countStmt: Statement<[string], { launch_type: string; last_status: string; n: number }>;
  private readonly openStmt: Statement<[string], { arn: string; launch_type: string; last_status: string }>;
  private readonly insertStmt: Statement<Record<string, string | number | null>>;
  private readonly updateStmt: Statement<Record<string, string | number | null>>;
  private readonly updateStatusStmt: Statement<Record<string, string | number | null>>;
  private readonly versionStmt: Statement<[string], VersionRow>;
  private readonly purgeStmt: Statement<[number]>;
  private readonly purgeRunsStmt: Statement<[number]>;
  private readonly findRunStmt: Statement<[string, string], DocRow>;
  private readonly rememberRunStmt: Statement<[string, string, string, string, number]>;

  constructor(db: Database, private readonly log: ChangeRecorder) {
    this.db = db;
    this.getStmt = db.prepare("SELECT doc FROM tasks WHERE arn = ?");
    this.holdingStmt = db.prepare("SELECT doc FROM tasks WHERE container_instance_arn = ? AND last_status <> 'STOPPED'");
    this.reservedStmt = db.prepare("SELECT doc -> '$.reservation' AS r FROM tasks WHERE container_instance_arn = ? AND last_status <> 'STOPPED'");
    this.ofServiceStmt = db.prepare("SELECT doc FROM tasks WHERE cluster = ? AND service_name = ? AND service_open = 1 ORDER BY arn");
    this.countStmt = db.prepare(
      "SELECT launch_type, last_status, count(*) AS n FROM tasks WHERE cluster = ? AND last_status <> 'STOPPED' GROUP BY launch_type, last_status",
    );
    this.openStmt = db.prepare("SELECT arn, launch_type, last_status FROM tasks WHERE cluster = ? AND last_status <> 'STOPPED'");
    this.insertStmt = db.prepare(
      `INSERT INTO tasks (arn, cluster, container_instance_arn, family, started_by, service_name, launch_type,
                          desired_status, last_status, stopped_at_ms, service_open, version, doc)
       VALUES (@arn, @cluster, @instance, @family, @startedBy, @serviceName, @launchType, @desired, @last, @stoppedAt, @serviceOpen, @version, @doc)
       ON CONFLICT (arn) DO NOTHING`,
    );
    this.updateStmt = db.prepare(
      `UPDATE tasks SET desired_status = @desired, last_status = @last, stopped_at_ms = @stoppedAt, service_open = @serviceOpen,
         version = @version, doc = @doc
       WHERE arn = @arn AND version = @version - 1`,
    );
    // An agent's report changes the last status and the document, not the columns only a stop
    // changes: this statement leaves those out of its SET (so SQLite leaves the indexes over them
    // alone) and applies only where they already hold the record's values; elsewhere `put` falls
    // back to the full update.
    this.updateStatusStmt = db.prepare(
      `UPDATE tasks SET last_status = @last, version = @version, doc = @doc
       WHERE arn = @arn AND version = @version - 1 AND desired_status = @desired AND stopped_at_ms IS @stoppedAt AND service_open = @serviceOpen`,
    );
    this.versionStmt = db.prepare("SELECT version FROM tasks WHERE arn = ?");
    this.purgeStmt = db.prepare("DELETE FROM tasks WHERE stopped_at_ms IS NOT NULL AND stopped_at_ms < ?");
    this.purgeRunsStmt = db.prepare("DELETE FROM run_task_tokens WHERE created_at_ms < ?");
    this.findRunStmt = db.prepare("SELECT doc FROM run_task_tokens WHERE cluster = ? AND token = ?");
    this.rememberRunStmt = db.prepare(
      "INSERT INTO run_task_tokens (cluster, token, request_hash, doc, created_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    );
  }

  get(arn: string): Promise<TaskRecord | undefined> {
    const row = this.getStmt.get(arn);
    return Promise.resolve(row && parseDoc<TaskRecord>(row));
  }

  list(q: TaskQuery): Promise<Page<TaskRecord>> {
    const where = ["cluster = ?", "arn > ?"];
    const params: (string | number)[] = [q.cluster, q.after ?? ""];
    const filters: [string, string | undefined][] = [
      ["container_instance_arn", q.containerInstanceArn],
      ["family", q.family],
      ["started_by", q.startedBy],
      ["service_name", q.serviceName],
      ["desired_status", q.desiredStatus],
    ];
    for (const [column, value] of filters) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      params.push(value);
    }
    const rows = this.db
      .prepare<(string | number)[], DocRow>(`SELECT doc FROM tasks WHERE ${where.join(" AND ")} ORDER BY arn LIMIT ?`)
      .all(...params, q.limit + 1)
      .map((r) => parseDoc<TaskRecord>(r));
    return Promise.resolve(page(rows, q, (t) => t.arn));
  }

  ofService(cluster: string, serviceName: string): Promise<TaskRecord[]> {
    return Promise.resolve(this.ofServiceStmt.all(cluster, serviceName).map((r) => parseDoc<TaskRecord>(r)));
  }

  holdingResources(containerInstanceArn: string): Promise<TaskRecord[]> {
    return Promise.resolve(this.holdingStmt.all(containerInstanceArn).map((r) => parseDoc<TaskRecord>(r)));
  }

  reservedOn(containerInstanceArn: string): Promise<Reservation[]> {
    return Promise.resolve(this.reservedStmt.all(containerInstanceArn).map((row) => JSON.parse(row.r) as Reservation));
  }

  countByStatus(cluster: string): Promise<ReadonlyMap<string, number>> {
    const counts = new Map<string, number>();
    for (const r of this.countStmt.all(cluster)) {
      const key = taskCountKey(r.launch_type, r.last_status);
      counts.set(key, (counts.get(key) ?? 0) + r.n);
    }
    return Promise.resolve(counts);
  }

  openStatuses(cluster: string): Promise<readonly { readonly arn: string; readonly countKey: string }[]> {
    // One statement, run before this returns: one snapshot, with no change delivered in between.
    return Promise.resolve(this.openStmt.all(cluster).map((r) => ({ arn: r.arn, countKey: taskCountKey(r.launch_type, r.last_status) })));
  }

  put(t: TaskRecord): Promise<void> {
    const columns = taskColumns(t);
    const row = { ...columns, serviceOpen: columns.serviceOpen ? 1 : 0 };
    saveVersioned({
      kind: "task",
      key: t.arn,
      version: t.version,
      insert: () => this.insertStmt.run(row).changes,
      // The columns an update leaves alone (cluster, instance, family, ...) never change after creation.
      update: () => this.updateStatusStmt.run(row).changes || this.updateStmt.run(row).changes,
      stored: () => this.versionStmt.get(t.arn)?.version,
      change: { kind: "task", record: t },
    }, this.log);
    return Promise.resolve();
  }

  purgeStoppedBefore(ms: number): Promise<number> {
    this.purgeRunsStmt.run(ms);
    return Promise.resolve(this.purgeStmt.run(ms).changes);
  }

  findRun(cluster: string, token: string): Promise<RunTaskRecord | undefined> {
    const row = this.findRunStmt.get(cluster, token);
    return Promise.resolve(row && parseDoc<RunTaskRecord>(row));
  }

  rememberRun(run: RunTaskRecord): Promise<void> {
    this.rememberRunStmt.run(run.cluster, run.token, run.requestHash, JSON.stringify(run), run.createdAtMs);
    return Promise.resolve();
  }
}
