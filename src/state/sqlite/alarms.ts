import type { Database, Statement } from "better-sqlite3";
import type { AlarmRecord } from "../../domain/metrics/alarm.js";
import type { AlarmHistoryRecord, AlarmQuery, AlarmRepository, HistoryQuery } from "../alarm-records.js";

interface DocRow {
  doc: string;
}

/** CloudWatch metric alarms and their history (migration 15): one document per alarm, one row per history entry. */
export class SqliteAlarms implements AlarmRepository {
  private readonly getStmt: Statement<[string], DocRow>;
  private readonly listStmt: Statement<[{ prefix: string; after: string; state: string; limit: number }], DocRow>;
  private readonly putStmt: Statement<[string, string, string]>;
  private readonly deleteStmt: Statement<[string]>;
  private readonly addHistoryStmt: Statement<[string, number, string, string]>;
  private readonly historyStmt: Statement<[{ name: string; type: string; from: number; to: number; limit: number; offset: number }], DocRow>;
  private readonly historyDescStmt: Statement<[{ name: string; type: string; from: number; to: number; limit: number; offset: number }], DocRow>;
  private readonly pruneStmt: Statement<[number]>;

  constructor(db: Database) {
    this.getStmt = db.prepare("SELECT doc FROM metric_alarms WHERE name = ?");
    this.listStmt = db.prepare(
      "SELECT doc FROM metric_alarms WHERE substr(name, 1, length(@prefix)) = @prefix AND name > @after AND (@state = '' OR state = @state) ORDER BY name LIMIT @limit",
    );
    this.putStmt = db.prepare("INSERT INTO metric_alarms (name, state, doc) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET state = excluded.state, doc = excluded.doc");
    this.deleteStmt = db.prepare("DELETE FROM metric_alarms WHERE name = ?");
    this.addHistoryStmt = db.prepare("INSERT INTO alarm_history (name, at_ms, type, doc) VALUES (?, ?, ?, ?)");
    const history = (order: "ASC" | "DESC") =>
      db.prepare<[{ name: string; type: string; from: number; to: number; limit: number; offset: number }], DocRow>(
        `SELECT doc FROM alarm_history WHERE (@name = '' OR name = @name) AND (@type = '' OR type = @type) AND at_ms >= @from AND at_ms < @to
         ORDER BY at_ms ${order}, seq ${order} LIMIT @limit OFFSET @offset`,
      );
    this.historyStmt = history("ASC");
    this.historyDescStmt = history("DESC");
    this.pruneStmt = db.prepare("DELETE FROM alarm_history WHERE at_ms < ?");
  }

  get(name: string): Promise<AlarmRecord | undefined> {
    const row = this.getStmt.get(name);
    return Promise.resolve(row && (JSON.parse(row.doc) as AlarmRecord));
  }

  list(q: AlarmQuery): Promise<{ items: AlarmRecord[]; next?: string | undefined }> {
    if (q.names) {
      const items = [...new Set(q.names)].sort().flatMap((n) => {
        const row = this.getStmt.get(n);
        const alarm = row && (JSON.parse(row.doc) as AlarmRecord);
        return alarm && (q.state === undefined || alarm.state === q.state) ? [alarm] : [];
      });
      return Promise.resolve({ items });
    }
    const rows = this.listStmt.all({ prefix: q.namePrefix ?? "", after: q.after ?? "", state: q.state ?? "", limit: q.limit + 1 });
    const items = rows.slice(0, q.limit).map((r) => JSON.parse(r.doc) as AlarmRecord);
    return Promise.resolve({ items, next: rows.length > q.limit ? items[items.length - 1]?.name : undefined });
  }

  history(q: HistoryQuery): Promise<AlarmHistoryRecord[]> {
    const stmt = q.newestFirst ? this.historyDescStmt : this.historyStmt;
    const rows = stmt.all({ name: q.alarmName ?? "", type: q.type ?? "", from: q.fromMs, to: q.toMs, limit: q.limit, offset: q.offset });
    return Promise.resolve(rows.map((r) => JSON.parse(r.doc) as AlarmHistoryRecord));
  }

  put(alarm: AlarmRecord): Promise<void> {
    this.putStmt.run(alarm.name, alarm.state, JSON.stringify(alarm));
    return Promise.resolve();
  }

  delete(name: string): Promise<boolean> {
    return Promise.resolve(this.deleteStmt.run(name).changes > 0);
  }

  addHistory(e: AlarmHistoryRecord): Promise<void> {
    this.addHistoryStmt.run(e.alarmName, e.atMs, e.type, JSON.stringify(e));
    return Promise.resolve();
  }

  pruneHistory(beforeMs: number): Promise<number> {
    return Promise.resolve(this.pruneStmt.run(beforeMs).changes);
  }
}
