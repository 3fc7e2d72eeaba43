import { ScheduleConflictError, type ScheduleGroupRecord, type ScheduleQuery, type ScheduleRecord, type ScheduleRepository } from "../schedule-records.js";
import type { DocRow } from "./rows.js";
import { updateToVersion } from "./next-version.js";
import type { Sql } from "./sql.js";

/** EventBridge Scheduler's schedules and groups, as sqlite/schedules.ts: documents, the next run time a column. */
export class PostgresSchedules implements ScheduleRepository {
  constructor(private readonly db: Sql) {}

  async get(group: string, name: string): Promise<ScheduleRecord | undefined> {
    return (await this.db.row<DocRow<ScheduleRecord>>("SELECT doc FROM schedules WHERE grp = $1 AND name = $2", [group, name]))?.doc;
  }

  async list(q: ScheduleQuery): Promise<{ items: ScheduleRecord[]; nextAfter?: string }> {
    // Filters bound as '' when unused; the prefix matched literally (left(), not LIKE). The page
    // boundary compares `grp/name` as one string, as SQLite's does.
    const rows = await this.db.rows<DocRow<ScheduleRecord>>(
      `SELECT doc FROM schedules WHERE ($1 = '' OR grp = $1) AND left(name, length($2)) = $2 AND ($3 = '' OR state = $3)
       AND grp || '/' || name > $4 ORDER BY grp, name LIMIT $5`,
      [q.group ?? "", q.namePrefix ?? "", q.state ?? "", q.after ?? "", q.limit + 1],
    );
    const items = rows.slice(0, q.limit).map((r) => r.doc);
    const last = items.at(-1);
    return rows.length > q.limit && last ? { items, nextAfter: `${last.group}/${last.name}` } : { items };
  }

  async due(nowMs: number, limit: number): Promise<ScheduleRecord[]> {
    const rows = await this.db.rows<DocRow<ScheduleRecord>>("SELECT doc FROM schedules WHERE next_fire_ms <= $1 ORDER BY next_fire_ms LIMIT $2", [nowMs, limit]);
    return rows.map((r) => r.doc);
  }

  async countInGroup(group: string): Promise<number> {
    return (await this.db.row<{ n: number }>("SELECT count(*) AS n FROM schedules WHERE grp = $1", [group]))?.n ?? 0;
  }

  async group(name: string): Promise<ScheduleGroupRecord | undefined> {
    return (await this.db.row<DocRow<ScheduleGroupRecord>>("SELECT doc FROM schedule_groups WHERE name = $1", [name]))?.doc;
  }

  async groups(q: { namePrefix?: string | undefined; after?: string | undefined; limit: number }): Promise<{ items: ScheduleGroupRecord[]; nextAfter?: string }> {
    const rows = await this.db.rows<DocRow<ScheduleGroupRecord>>(
      "SELECT doc FROM schedule_groups WHERE left(name, length($1)) = $1 AND name > $2 ORDER BY name LIMIT $3",
      [q.namePrefix ?? "", q.after ?? "", q.limit + 1],
    );
    const items = rows.slice(0, q.limit).map((r) => r.doc);
    const last = items.at(-1);
    return rows.length > q.limit && last ? { items, nextAfter: last.name } : { items };
  }

  async put(r: ScheduleRecord): Promise<void> {
    const next = r.state === "ENABLED" ? (r.nextFireMs ?? null) : null;
    const doc = JSON.stringify(r);
    const changed =
      r.version === 1
        ? await this.db.run("INSERT INTO schedules (grp, name, version, next_fire_ms, state, doc) VALUES ($1, $2, 1, $3, $4, $5) ON CONFLICT (grp, name) DO NOTHING", [r.group, r.name, next, r.state, doc])
        : await updateToVersion(this.db, "UPDATE schedules SET version = $1, next_fire_ms = $2, state = $3, doc = $4 WHERE grp = $5 AND name = $6 AND version = $1 - 1", r.version, [next, r.state, doc, r.group, r.name]);
    if (changed === 0) throw new ScheduleConflictError(`${r.group}/${r.name}`);
  }

  async delete(group: string, name: string): Promise<void> {
    await this.db.run("DELETE FROM schedules WHERE grp = $1 AND name = $2", [group, name]);
  }

  async putGroup(record: ScheduleGroupRecord): Promise<void> {
    await this.db.run("INSERT INTO schedule_groups (name, doc) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET doc = excluded.doc", [record.name, JSON.stringify(record)]);
  }

  async deleteGroup(name: string): Promise<void> {
    await this.db.run("DELETE FROM schedules WHERE grp = $1", [name]);
    await this.db.run("DELETE FROM schedule_groups WHERE name = $1", [name]);
  }
}
