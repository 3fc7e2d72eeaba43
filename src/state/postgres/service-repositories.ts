import type { ServiceEventRecord, ServiceRecord } from "../../domain/service.js";
import { serviceCountKey } from "../../domain/service-counts.js";
import type { Page, ServiceQuery, ServiceRepository } from "../store.js";
import type { ChangeRecorder } from "./change-table.js";
import { page } from "../page.js";
import type { DocRow, VersionRow } from "./rows.js";
import type { Sql } from "./sql.js";
import { saveVersioned } from "./versioned.js";

/** Services and their events, one for one with sqlite/service-repositories.ts. */
export class PostgresServices implements ServiceRepository {
  constructor(
    private readonly db: Sql,
    private readonly log: ChangeRecorder,
  ) {}

  async get(cluster: string, name: string): Promise<ServiceRecord | undefined> {
    return (await this.db.row<DocRow<ServiceRecord>>("SELECT doc FROM services WHERE cluster = $1 AND name = $2", [cluster, name]))?.doc;
  }

  async openStatuses(cluster: string): Promise<readonly { readonly name: string; readonly countKey: string }[]> {
    // One statement: one snapshot, whatever commits while its rows come back. The launch type is
    // read from the document (see list), whose strategy decides it.
    const rows = await this.db.rows<DocRow<ServiceRecord> & { name: string }>("SELECT name, doc FROM services WHERE cluster = $1 AND status <> 'INACTIVE' ORDER BY name", [cluster]);
    return rows.map((r) => ({ name: r.name, countKey: serviceCountKey(r.doc) }));
  }

  async list(cluster: string, q: ServiceQuery): Promise<Page<ServiceRecord>> {
    // launchType and schedulingStrategy live in the document; a cluster has few services, so they
    // filter here, as in SQLite (json operators in SQL refuse a document that holds an escaped NUL anywhere).
    const rows: ServiceRecord[] = [];
    let after = q.after ?? "";
    for (;;) {
      const batch = await this.db.rows<DocRow<ServiceRecord>>(
        "SELECT doc FROM services WHERE cluster = $1 AND name > $2 AND ($3 = '' OR status = $3) ORDER BY name LIMIT $4",
        [cluster, after, q.status ?? "", 500],
      );
      rows.push(
        ...batch
          .map((r) => r.doc)
          .filter((s) => (q.launchType === undefined || s.launchType === q.launchType) && (q.schedulingStrategy === undefined || s.schedulingStrategy === q.schedulingStrategy)),
      );
      if (batch.length < 500 || rows.length > q.limit) break;
      after = batch[batch.length - 1]!.doc.name;
    }
    return page(rows.slice(0, q.limit + 1), q, (s) => s.name);
  }

  async events(serviceArn: string, limit: number): Promise<ServiceEventRecord[]> {
    const rows = await this.db.rows<DocRow<ServiceEventRecord>>("SELECT doc FROM service_events WHERE service_arn = $1 ORDER BY seq DESC LIMIT $2", [serviceArn, limit]);
    return rows.map((r) => r.doc);
  }

  put(record: ServiceRecord): Promise<void> {
    const doc = JSON.stringify(record);
    return saveVersioned(
      {
        kind: "service",
        key: `${record.cluster}/${record.name}`,
        version: record.version,
        insert: () =>
          this.db.run("INSERT INTO services (cluster, name, status, version, doc) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (cluster, name) DO NOTHING", [
            record.cluster,
            record.name,
            record.status,
            record.version,
            doc,
          ]),
        update: () =>
          this.db.run("UPDATE services SET status = $3, version = $4, doc = $5 WHERE cluster = $1 AND name = $2 AND version = $4 - 1", [
            record.cluster,
            record.name,
            record.status,
            record.version,
            doc,
          ]),
        stored: async () => (await this.db.row<VersionRow>("SELECT version FROM services WHERE cluster = $1 AND name = $2", [record.cluster, record.name]))?.version,
        change: { kind: "service", record },
      },
      this.log,
    );
  }

  async addEvents(serviceArn: string, events: readonly ServiceEventRecord[], keep: number): Promise<void> {
    if (events.length === 0) return;
    // One statement, which cannot see the rows its own INSERT adds: it inserts only the newest
    // events that `keep` leaves room for (SQLite inserts them all, then prunes the oldest at once),
    // and keeps the newest of the stored ones that the new ones leave room for. A negative `keep`
    // is 0, as a negative OFFSET is in SQLite.
    const kept = Math.max(0, keep);
    const added = events.slice(events.length - Math.min(events.length, kept));
    await this.db.run(
      `WITH added AS (
         INSERT INTO service_events (service_arn, doc)
         SELECT $1, e.doc FROM unnest($2::json[]) WITH ORDINALITY AS e (doc, n) ORDER BY e.n
       )
       DELETE FROM service_events WHERE service_arn = $1 AND seq <=
         (SELECT seq FROM service_events WHERE service_arn = $1 ORDER BY seq DESC LIMIT 1 OFFSET $3)`,
      [serviceArn, added.map((e) => JSON.stringify(e)), kept - added.length],
    );
  }
}
