import type { Database, Statement } from "better-sqlite3";
import type { ServiceEventRecord, ServiceRecord } from "../../domain/service.js";
import { serviceCountKey } from "../../domain/service-counts.js";
import type { Page, ServiceQuery, ServiceRepository } from "../store.js";
import { page } from "../page.js";
import { parseDoc, type DocRow, type VersionRow } from "./rows.js";
import type { ChangeRecorder } from "./change-table.js";
import { saveVersioned } from "./versioned.js";

interface ServiceRow {
  cluster: string;
  name: string;
  status: string;
  version: number;
  doc: string;
}

export class SqliteServices implements ServiceRepository {
  private readonly getStmt: Statement<[string, string], DocRow>;
  private readonly listStmt: Statement<[{ cluster: string; after: string; status: string; limit: number }], DocRow>;
  private readonly insertStmt: Statement<[ServiceRow]>;
  private readonly updateStmt: Statement<[ServiceRow]>;
  private readonly versionStmt: Statement<[string, string], VersionRow>;
  private readonly openStmt: Statement<[string], DocRow & { name: string }>;
  private readonly eventsStmt: Statement<[string, number], DocRow>;
  private readonly addEventStmt: Statement<[string, string]>;
  private readonly pruneStmt: Statement<[string, string, number]>;

  constructor(db: Database, private readonly log: ChangeRecorder) {
    this.getStmt = db.prepare("SELECT doc FROM services WHERE cluster = ? AND name = ?");
    this.listStmt = db.prepare(
      `SELECT doc FROM services WHERE cluster = @cluster AND name > @after AND (@status = '' OR status = @status)
       ORDER BY name LIMIT @limit`,
    );
    this.insertStmt = db.prepare(
      `INSERT INTO services (cluster, name, status, version, doc) VALUES (@cluster, @name, @status, @version, @doc)
       ON CONFLICT (cluster, name) DO NOTHING`,
    );
    this.updateStmt = db.prepare(
      `UPDATE services SET status = @status, version = @version, doc = @doc
       WHERE cluster = @cluster AND name = @name AND version = @version - 1`,
    );
    this.versionStmt = db.prepare("SELECT version FROM services WHERE cluster = ? AND name = ?");
    this.openStmt = db.prepare("SELECT name, doc FROM services WHERE cluster = ? AND status <> 'INACTIVE'");
    this.eventsStmt = db.prepare("SELECT doc FROM service_events WHERE service_arn = ? ORDER BY seq DESC LIMIT ?");
    this.addEventStmt = db.prepare("INSERT INTO service_events (service_arn, doc) VALUES (?, ?)");
    this.pruneStmt = db.prepare(
      `DELETE FROM service_events WHERE service_arn = ? AND seq <=
         (SELECT seq FROM service_events WHERE service_arn = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
    );
  }

  get(cluster: string, name: string): Promise<ServiceRecord | undefined> {
    const row = this.getStmt.get(cluster, name);
    return Promise.resolve(row && parseDoc<ServiceRecord>(row));
  }

  openStatuses(cluster: string): Promise<readonly { readonly name: string; readonly countKey: string }[]> {
    // One statement, run before this returns: one snapshot, with no change delivered in between.
    // The launch type is read from the document (see list), whose strategy decides it.
    return Promise.resolve(this.openStmt.all(cluster).map((r) => ({ name: r.name, countKey: serviceCountKey(parseDoc<ServiceRecord>(r)) })));
  }

  list(cluster: string, q: ServiceQuery): Promise<Page<ServiceRecord>> {
    // launchType and schedulingStrategy live in the document; a cluster has few services, so they filter here.
    const rows: ServiceRecord[] = [];
    let after = q.after ?? "";
    for (;;) {
      const batch = this.listStmt.all({ cluster, after, status: q.status ?? "", limit: 500 }).map((r) => parseDoc<ServiceRecord>(r));
      rows.push(
        ...batch.filter(
          (s) =>
            (q.launchType === undefined || s.launchType === q.launchType) &&
            (q.schedulingStrategy === undefined || s.schedulingStrategy === q.schedulingStrategy),
        ),
      );
      if (batch.length < 500 || rows.length > q.limit) break;
      after = batch[batch.length - 1]!.name;
    }
    return Promise.resolve(page(rows.slice(0, q.limit + 1), q, (s) => s.name));
  }

  events(serviceArn: string, limit: number): Promise<ServiceEventRecord[]> {
    return Promise.resolve(this.eventsStmt.all(serviceArn, limit).map((r) => parseDoc<ServiceEventRecord>(r)));
  }

  put(record: ServiceRecord): Promise<void> {
    const row: ServiceRow = { cluster: record.cluster, name: record.name, status: record.status, version: record.version, doc: JSON.stringify(record) };
    saveVersioned({
      kind: "service",
      key: `${record.cluster}/${record.name}`,
      version: record.version,
      insert: () => this.insertStmt.run(row).changes,
      update: () => this.updateStmt.run(row).changes,
      stored: () => this.versionStmt.get(record.cluster, record.name)?.version,
      change: { kind: "service", record },
    }, this.log);
    return Promise.resolve();
  }

  addEvents(serviceArn: string, events: readonly ServiceEventRecord[], keep: number): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    for (const e of events) this.addEventStmt.run(serviceArn, JSON.stringify(e));
    this.pruneStmt.run(serviceArn, serviceArn, keep);
    return Promise.resolve();
  }
}
