import type { AlarmRecord } from "../../domain/metrics/alarm.js";
import type { AlarmHistoryRecord, AlarmQuery, AlarmRepository, HistoryQuery } from "../alarm-records.js";
import type { DocRow } from "./rows.js";
import type { Sql } from "./sql.js";

/** CloudWatch metric alarms and their history, as sqlite/alarms.ts keeps them: one document per alarm, one row per history entry. */
export class PostgresAlarms implements AlarmRepository {
  constructor(private readonly db: Sql) {}

  async get(name: string): Promise<AlarmRecord | undefined> {
    return (await this.db.row<DocRow<AlarmRecord>>("SELECT doc FROM metric_alarms WHERE name = $1", [name]))?.doc;
  }

  async list(q: AlarmQuery): Promise<{ items: AlarmRecord[]; next?: string | undefined }> {
    if (q.names) {
      const rows = await this.db.rows<DocRow<AlarmRecord>>("SELECT doc FROM metric_alarms WHERE name = ANY($1::text[])", [[...q.names]]);
      const byName = new Map(rows.map((r) => [r.doc.name, r.doc]));
      // JavaScript's order of the names, as SQLite's repository sorts them.
      const items = [...new Set(q.names)].sort().flatMap((n) => {
        const alarm = byName.get(n);
        return alarm && (q.state === undefined || alarm.state === q.state) ? [alarm] : [];
      });
      return { items };
    }
    const rows = await this.db.rows<DocRow<AlarmRecord>>(
      "SELECT doc FROM metric_alarms WHERE left(name, length($1)) = $1 AND name > $2 AND ($3 = '' OR state = $3) ORDER BY name LIMIT $4",
      [q.namePrefix ?? "", q.after ?? "", q.state ?? "", q.limit + 1],
    );
    const items = rows.slice(0, q.limit).map((r) => r.doc);
    return { items, next: rows.length > q.limit ? items[items.length - 1]?.name : undefined };
  }

  async history(q: HistoryQuery): Promise<AlarmHistoryRecord[]> {
    const order = q.newestFirst ? "DESC" : "ASC";
    const rows = await this.db.rows<DocRow<AlarmHistoryRecord>>(
      `SELECT doc FROM alarm_history WHERE ($1 = '' OR name = $1) AND ($2 = '' OR type = $2) AND at_ms >= $3 AND at_ms < $4
       ORDER BY at_ms ${order}, seq ${order} LIMIT $5 OFFSET $6`,
      [q.alarmName ?? "", q.type ?? "", q.fromMs, q.toMs, q.limit, q.offset],
    );
    return rows.map((r) => r.doc);
  }

  async put(alarm: AlarmRecord): Promise<void> {
    await this.db.run("INSERT INTO metric_alarms (name, state, doc) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET state = excluded.state, doc = excluded.doc", [
      alarm.name,
      alarm.state,
      JSON.stringify(alarm),
    ]);
  }

  async delete(name: string): Promise<boolean> {
    return (await this.db.run("DELETE FROM metric_alarms WHERE name = $1", [name])) > 0;
  }

  async addHistory(e: AlarmHistoryRecord): Promise<void> {
    await this.db.run("INSERT INTO alarm_history (name, at_ms, type, doc) VALUES ($1, $2, $3, $4)", [e.alarmName, e.atMs, e.type, JSON.stringify(e)]);
  }

  pruneHistory(beforeMs: number): Promise<number> {
    return this.db.run("DELETE FROM alarm_history WHERE at_ms < $1", [beforeMs]);
  }
}
