import type { Database, Statement } from "better-sqlite3";
import { ScheduleConflictError, type ScheduleGroupRecord, type ScheduleQuery, type ScheduleRecord, type ScheduleRepository } from "../schedule-records.js";
import { parseDoc, type DocRow } from "./rows.js";

/** EventBridge Scheduler's schedules and groups (migration 14): documents, the next run time a column. */
export class SqliteSchedules implements ScheduleRepository {
  private readonly getStmt: Statement<[string, string], DocRow>;
  private readonly listStmt: Statement<[string, string, string, string, string, string, string, number], DocRow>;
  private readonly dueStmt: Statement<[number, number], DocRow>;
  private readonly countStmt: Statement<[string], { n: number }>;
  private readonly insertStmt: Statement<[string, string, number, number | null, string]>;
  private readonly updateStmt: Statement<[number, number | null, string, string, string, number]>;
  private readonly deleteStmt: Statement<[string, string]>;
  private readonly groupStmt: Statement<[string], DocRow>;
  private readonly groupsStmt: Statement<[string, string, string, number], DocRow>;
  private readonly putGroupStmt: Statement<[string, string]>;
  private readonly deleteGroupStmt: Statement<[string]>;
  private readonly deleteGroupSchedulesStmt: Statement<[string]>;

  constructor(db: Database) {
    this.getStmt = db.prepare("SELECT doc FROM schedules WHERE grp = ? AND name = ?");
    // Filters bound as '' when unused; prefixes matched literally (substr, not LIKE).
    this.listStmt = db.prepare(
      `SELECT doc FROM schedules WHERE (? = '' OR grp = ?) AND substr(name, 1, length(?)) = ? AND (? = '' OR json_extract(doc, '$.state') = ?)
       AND grp || '/' || name > ? ORDER BY grp, name LIMIT ?`,
    );
    this.dueStmt = db.prepare("SELECT doc FROM schedules WHERE next_fire_ms <= ? ORDER BY next_fire_ms LIMIT ?");
    this.countStmt = db.prepare("SELECT count(*) AS n FROM schedules WHERE grp = ?");
    this.insertStmt = db.prepare("INSERT INTO schedules (grp, name, version, next_fire_ms, doc) VALUES (?, ?, ?, ?, ?) ON CONFLICT (grp, name) DO NOTHING");
    this.updateStmt = db.prepare("UPDATE schedules SET version = ?, next_fire_ms = ?, doc = ? WHERE grp = ? AND name = ? AND version = ?");
    this.deleteStmt = db.prepare("DELETE FROM schedules WHERE grp = ? AND name = ?");
    this.groupStmt = db.prepare("SELECT doc FROM schedule_groups WHERE name = ?");
    this.groupsStmt = db.prepare("SELECT doc FROM schedule_groups WHERE substr(name, 1, length(?)) = ? AND name > ? ORDER BY name LIMIT ?");
    this.putGroupStmt = db.prepare("INSERT INTO schedule_groups (name, doc) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET doc = excluded.doc");
    this.deleteGroupStmt = db.prepare("DELETE FROM schedule_groups WHERE name = ?");
    this.deleteGroupSchedulesStmt = db.prepare("DELETE FROM schedules WHERE grp = ?");
  }

  get(group: string, name: string): Promise<ScheduleRecord | undefined> {
    const row = this.getStmt.get(group, name);
    return Promise.resolve(row && parseDoc<ScheduleRecord>(row));
  }

  list(q: ScheduleQuery): Promise<{ items: ScheduleRecord[]; nextAfter?: string }> {
    const prefix = q.namePrefix ?? "";
    const rows = this.listStmt.all(q.group ?? "", q.group ?? "", prefix, prefix, q.state ?? "", q.state ?? "", q.after ?? "", q.limit + 1).map((r) => parseDoc<ScheduleRecord>(r));
    const items = rows.slice(0, q.limit);
    const last = items.at(-1);
    return Promise.resolve(rows.length > q.limit && last ? { items, nextAfter: `${last.group}/${last.name}` } : { items });
  }

  due(nowMs: number, limit: number): Promise<ScheduleRecord[]> {
    return Promise.resolve(this.dueStmt.all(nowMs, limit).map((r) => parseDoc<ScheduleRecord>(r)));
  }

  countInGroup(group: string): Promise<number> {
    return Promise.resolve(this.countStmt.get(group)?.n ?? 0);
  }

  group(name: string): Promise<ScheduleGroupRecord | undefined> {
    const row = this.groupStmt.get(name);
    return Promise.resolve(row && parseDoc<ScheduleGroupRecord>(row));
  }

  groups(q: { namePrefix?: string | undefined; after?: string | undefined; limit: number }): Promise<{ items: ScheduleGroupRecord[]; nextAfter?: string }> {
    const prefix = q.namePrefix ?? "";
    const rows = this.groupsStmt.all(prefix, prefix, q.after ?? "", q.limit + 1).map((r) => parseDoc<ScheduleGroupRecord>(r));
    const items = rows.slice(0, q.limit);
    const last = items.at(-1);
    return Promise.resolve(rows.length > q.limit && last ? { items, nextAfter: last.name } : { items });
  }

  put(r: ScheduleRecord): Promise<void> {
    const next = r.state === "ENABLED" ? (r.nextFireMs ?? null) : null;
    const doc = JSON.stringify(r);
    const changed = r.version === 1 ? this.insertStmt.run(r.group, r.name, 1, next, doc).changes : this.updateStmt.run(r.version, next, doc, r.group, r.name, r.version - 1).changes;
    if (changed === 0) throw new ScheduleConflictError(`${r.group}/${r.name}`);
    return Promise.resolve();
  }

  delete(group: string, name: string): Promise<void> {
    this.deleteStmt.run(group, name);
    return Promise.resolve();
  }

  putGroup(record: ScheduleGroupRecord): Promise<void> {
    this.putGroupStmt.run(record.name, JSON.stringify(record));
    return Promise.resolve();
  }

  deleteGroup(name: string): Promise<void> {
    this.deleteGroupSchedulesStmt.run(name);
    this.deleteGroupStmt.run(name);
    return Promise.resolve();
  }
}
