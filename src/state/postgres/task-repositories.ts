import type { ContainerInstanceRecord, ContainerInstanceStatus, Reservation } from "../../domain/container-instance.js";
import type { TaskRecord } from "../../domain/task.js";
import { taskCountKey } from "../../domain/task-counts.js";
import type { ContainerInstanceRepository, Page, PageRequest, RunTaskRecord, TaskQuery, TaskRepository } from "../store.js";
import type { ChangeRecorder } from "./change-table.js";
import { page } from "../page.js";
import { taskColumns } from "../task-columns.js";
import type { DocRow, VersionRow } from "./rows.js";
import type { Sql } from "./sql.js";
import { saveVersioned } from "./versioned.js";

/** Container instances, tasks and RunTask client tokens, one for one with sqlite/task-repositories.ts. */

export class PostgresContainerInstances implements ContainerInstanceRepository {
  constructor(
    private readonly db: Sql,
    private readonly log: ChangeRecorder,
  ) {}

  async get(arn: string): Promise<ContainerInstanceRecord | undefined> {
    return (await this.db.row<DocRow<ContainerInstanceRecord>>("SELECT doc FROM container_instances WHERE arn = $1", [arn]))?.doc;
  }

  async list(cluster: string, req: PageRequest & { readonly status?: ContainerInstanceStatus | "REGISTERED" }): Promise<Page<ContainerInstanceRecord>> {
    const rows = await this.db.rows<DocRow<ContainerInstanceRecord>>(
      `SELECT doc FROM container_instances WHERE cluster = $1 AND arn > $2 AND ($3 = '' OR status = $3 OR ($3 = 'REGISTERED' AND status <> 'INACTIVE'))
       ORDER BY arn LIMIT $4`,
      [cluster, req.after ?? "", req.status ?? "", req.limit + 1],
    );
    return page(rows.map((r) => r.doc), req, (i) => i.arn);
  }

  async countRegistered(cluster: string): Promise<number> {
    return (await this.db.row<{ n: number }>("SELECT count(*) AS n FROM container_instances WHERE cluster = $1 AND status <> 'INACTIVE'", [cluster]))?.n ?? 0;
  }

  put(record: ContainerInstanceRecord): Promise<void> {
    const doc = JSON.stringify(record);
    return saveVersioned(
      {
        kind: "containerInstance",
        key: record.arn,
        version: record.version,
        insert: () =>
          this.db.run("INSERT INTO container_instances (arn, cluster, status, version, doc) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (arn) DO NOTHING", [
            record.arn,
            record.cluster,
            record.status,
            record.version,
            doc,
          ]),
        update: () => this.db.run("UPDATE container_instances SET status = $2, version = $3, doc = $4 WHERE arn = $1 AND version = $3 - 1", [record.arn, record.status, record.version, doc]),
        stored: async () => (await this.db.row<VersionRow>("SELECT version FROM container_instances WHERE arn = $1", [record.arn]))?.version,
        change: { kind: "instance", record },
      },
      this.log,
    );
  }
}

/** A task's columns beside its document, and its reservation apart (see reservedOn). */
const taskRow = (t: TaskRecord) => ({ ...taskColumns(t), reservation: JSON.stringify(t.reservation) });

/**
 * Tasks held by an instance, in the order SQLite's tasks_instance index returns them (last status,
 * then insertion): holdingResources and reservedOn list the same tasks in the same order.
 */
const holdingWhere = "container_instance_arn = $1 AND last_status <> 'STOPPED' ORDER BY last_status, id";

export class PostgresTasks implements TaskRepository {
  constructor(
    private readonly db: Sql,
    private readonly log: ChangeRecorder,
  ) {}

  async get(arn: string): Promise<TaskRecord | undefined> {
    return (await this.db.row<DocRow<TaskRecord>>("SELECT doc FROM tasks WHERE arn = $1", [arn]))?.doc;
  }

  async list(q: TaskQuery): Promise<Page<TaskRecord>> {
    const params: unknown[] = [q.cluster, q.after ?? ""];
    const where = ["cluster = $1", "arn > $2"];
    const filters: [string, string | undefined][] = [
      ["container_instance_arn", q.containerInstanceArn],
      ["family", q.family],
      ["started_by", q.startedBy],
      ["service_name", q.serviceName],
      ["desired_status", q.desiredStatus],
    ];
    // One text per combination of filters (at most 32), each prepared once per connection.
    for (const [column, value] of filters) if (value !== undefined) where.push(`${column} = $${params.push(value)}`);
    const rows = await this.db.rows<DocRow<TaskRecord>>(`SELECT doc FROM tasks WHERE ${where.join(" AND ")} ORDER BY arn LIMIT $${params.push(q.limit + 1)}`, params);
    return page(rows.map((r) => r.doc), q, (t) => t.arn);
  }

  async ofService(cluster: string, serviceName: string): Promise<TaskRecord[]> {
    const rows = await this.db.rows<DocRow<TaskRecord>>("SELECT doc FROM tasks WHERE cluster = $1 AND service_name = $2 AND service_open ORDER BY arn", [cluster, serviceName]);
    return rows.map((r) => r.doc);
  }

  async holdingResources(containerInstanceArn: string): Promise<TaskRecord[]> {
    return (await this.db.rows<DocRow<TaskRecord>>(`SELECT doc FROM tasks WHERE ${holdingWhere}`, [containerInstanceArn])).map((r) => r.doc);
  }

  async reservedOn(containerInstanceArn: string): Promise<Reservation[]> {
    // Only the reservation crosses the wire, from its own column (see migration 1), not each task's whole document.
    return (await this.db.rows<{ reservation: Reservation }>(`SELECT reservation FROM tasks WHERE ${holdingWhere}`, [containerInstanceArn])).map((r) => r.reservation);
  }

  async countByStatus(cluster: string): Promise<ReadonlyMap<string, number>> {
    const rows = await this.db.rows<{ launch_type: string; last_status: string; n: number }>(
      "SELECT launch_type, last_status, count(*) AS n FROM tasks WHERE cluster = $1 AND last_status <> 'STOPPED' GROUP BY launch_type, last_status",
      [cluster],
    );
    const counts = new Map<string, number>();
    for (const r of rows) {
      const key = taskCountKey(r.launch_type, r.last_status);
      counts.set(key, (counts.get(key) ?? 0) + r.n);
    }
    return counts;
  }

  async openStatuses(cluster: string): Promise<readonly { readonly arn: string; readonly countKey: string }[]> {
    // One statement: one snapshot, whatever commits while its rows come back.
    const rows = await this.db.rows<{ arn: string; launch_type: string; last_status: string }>(
      "SELECT arn, launch_type, last_status FROM tasks WHERE cluster = $1 AND last_status <> 'STOPPED'",
      [cluster],
    );
    return rows.map((r) => ({ arn: r.arn, countKey: taskCountKey(r.launch_type, r.last_status) }));
  }

  put(t: TaskRecord): Promise<void> {
    const r = taskRow(t);
    return saveVersioned(
      {
        kind: "task",
        key: t.arn,
        version: t.version,
        insert: () =>
          this.db.run(
            `INSERT INTO tasks (arn, cluster, container_instance_arn, family, started_by, service_name, launch_type,
                                desired_status, last_status, stopped_at_ms, service_open, version, doc, reservation)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
             ON CONFLICT (arn) DO NOTHING`,
            [r.arn, r.cluster, r.instance, r.family, r.startedBy, r.serviceName, r.launchType, r.desired, r.last, r.stoppedAt, r.serviceOpen, r.version, r.doc, r.reservation],
          ),
        // One statement for every update. SQLite first tries one that leaves the stop's columns out
        // of its SET, to spare their indexes; PostgreSQL compares the indexed values themselves, and
        // the agent's reports change last_status, which an index holds, whatever the SET lists.
        // The columns left alone (cluster, instance, family, ...) never change after creation; the
        // reservation does not either, but SQLite reads it from the document, so it follows the document.
        update: () =>
          this.db.run(
            `UPDATE tasks SET desired_status = $2, last_status = $3, stopped_at_ms = $4, service_open = $5, version = $6, doc = $7, reservation = $8
             WHERE arn = $1 AND version = $6 - 1`,
            [r.arn, r.desired, r.last, r.stoppedAt, r.serviceOpen, r.version, r.doc, r.reservation],
          ),
        stored: async () => (await this.db.row<VersionRow>("SELECT version FROM tasks WHERE arn = $1", [t.arn]))?.version,
        change: { kind: "task", record: t },
      },
      this.log,
    );
  }

  purgeStoppedBefore(ms: number): Promise<number> {
    // One round trip: the CTE's DELETE runs to completion though nothing reads it; the count is the tasks'.
    return this.db.run(
      `WITH runs AS (DELETE FROM run_task_tokens WHERE created_at_ms < $1)
       DELETE FROM tasks WHERE stopped_at_ms IS NOT NULL AND stopped_at_ms < $1`,
      [ms],
    );
  }

  async findRun(cluster: string, token: string): Promise<RunTaskRecord | undefined> {
    return (await this.db.row<DocRow<RunTaskRecord>>("SELECT doc FROM run_task_tokens WHERE cluster = $1 AND token = $2", [cluster, token]))?.doc;
  }

  async rememberRun(run: RunTaskRecord): Promise<void> {
    await this.db.run("INSERT INTO run_task_tokens (cluster, token, request_hash, doc, created_at_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING", [
      run.cluster,
      run.token,
      run.requestHash,
      JSON.stringify(run),
      run.createdAtMs,
    ]);
  }
}
