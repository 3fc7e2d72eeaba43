import type { Database, Statement } from "better-sqlite3";
import type { LogEventQuery, LogGroupQuery, LogGroupRecord, LogsRepository, LogStreamQuery, LogStreamRecord, NewLogEvent, StoredLogEvent } from "../log-records.js";
import { streamOf, type StreamRow } from "../log-stream-row.js";

const rowsPerInsert = 100;

interface GroupRow {
  id: number;
  name: string;
  created_ms: number;
  retention_days: number | null;
  tags: string;
  stored_bytes: number;
}
interface EventRow {
  id: number;
  stream: string;
  ts: number;
  ingestion_ms: number;
  message: string;
}

const groupOf = (r: GroupRow): LogGroupRecord => ({
  name: r.name,
  createdMs: r.created_ms,
  retentionDays: r.retention_days ?? undefined,
  tags: JSON.parse(r.tags) as Record<string, string>,
  storedBytes: r.stored_bytes,
});

/** CloudWatch Logs' groups, streams and events (migration 13); names matched literally (substr, not LIKE). */
export class SqliteLogs implements LogsRepository {
  private readonly groupStmt: Statement<[string], GroupRow>;
  private readonly streamStmt: Statement<[number, string], StreamRow>;
  private readonly insertEvent: Statement<[number, number, number, number, string]>;
  /** Many rows per statement: per-statement overhead dominated single-row inserts (6 µs a row). */
  private readonly insertMany: Statement<unknown[]>;
  private readonly touchStream: Statement<[{ first: number; last: number; ingestion: number; bytes: number; id: number }]>;
  private readonly touchGroup: Statement<[number, number]>;
  /** The `matches` predicates of the queries running, by the key the SQL passes to berth_log_match. */
  private readonly predicates = new Map<number, (message: string) => boolean>();
  private nextPredicate = 0;
  private readonly queries = new Map<string, Statement<unknown[], EventRow>>();

  constructor(private readonly db: Database) {
    this.groupStmt = db.prepare("SELECT * FROM log_groups WHERE name = ?");
    this.streamStmt = db.prepare("SELECT * FROM log_streams WHERE group_id = ? AND name = ?");
    this.insertEvent = db.prepare("INSERT INTO log_events (group_id, stream_id, ts, ingestion_ms, message) VALUES (?, ?, ?, ?, ?)");
    this.insertMany = db.prepare(`INSERT INTO log_events (group_id, stream_id, ts, ingestion_ms, message) VALUES ${Array.from({ length: rowsPerInsert }, () => "(?, ?, ?, ?, ?)").join(", ")}`);
    this.touchStream = db.prepare(
      `UPDATE log_streams SET first_event_ms = min(coalesce(first_event_ms, @first), @first), last_event_ms = max(coalesce(last_event_ms, @last), @last),
         last_ingestion_ms = @ingestion, stored_bytes = stored_bytes + @bytes WHERE id = @id`,
    );
    // Patterns run inside the scan: rows that do not match are never turned into JavaScript objects.
    db.function("berth_log_match", { deterministic: false }, (key: unknown, message: unknown) =>
      typeof key === "number" && typeof message === "string" && this.predicates.get(key)?.(message) === true ? 1 : 0,
    );
    this.touchGroup = db.prepare("UPDATE log_groups SET stored_bytes = stored_bytes + ? WHERE id = ?");
  }

  group(name: string): Promise<LogGroupRecord | undefined> {
    const row = this.groupStmt.get(name);
    return Promise.resolve(row && groupOf(row));
  }

  groups(q: LogGroupQuery): Promise<{ items: LogGroupRecord[]; nextAfter?: string }> {
    const prefix = q.prefix ?? "";
    const rows = this.db
      .prepare<[string, string, string, string, number], GroupRow>(
        `SELECT * FROM log_groups WHERE substr(name, 1, length(?)) = ? AND name > ? AND instr(lower(name), lower(?)) > 0 ORDER BY name LIMIT ?`,
      )
      .all(prefix, prefix, q.after ?? "", q.pattern ?? "", q.limit + 1)
      .map(groupOf);
    if (rows.length <= q.limit) return Promise.resolve({ items: rows });
    const items = rows.slice(0, q.limit);
    return Promise.resolve({ items, nextAfter: items[items.length - 1]!.name });
  }

  stream(group: string, name: string): Promise<LogStreamRecord | undefined> {
    const g = this.groupStmt.get(group);
    const row = g && this.streamStmt.get(g.id, name);
    return Promise.resolve(row && streamOf(group, row));
  }

  streams(q: LogStreamQuery): Promise<LogStreamRecord[]> {
    const g = this.groupStmt.get(q.group);
    if (!g) return Promise.resolve([]);
    const dir = q.descending ? "DESC" : "ASC";
    const cmp = q.descending ? "<" : ">";
    const prefix = q.prefix ?? "";
    let rows: StreamRow[];
    if (q.orderBy === "LastEventTime") {
      const after = q.after ? `AND (coalesce(last_event_ms, 0), name) ${cmp} (?, ?)` : "";
      const args: unknown[] = [g.id, ...(q.after ? [q.after.lastEventMs, q.after.name] : []), q.limit];
      rows = this.db.prepare<unknown[], StreamRow>(`SELECT * FROM log_streams WHERE group_id = ? ${after} ORDER BY coalesce(last_event_ms, 0) ${dir}, name ${dir} LIMIT ?`).all(...args);
    } else {
      const after = q.after ? `AND name ${cmp} ?` : "";
      const args: unknown[] = [g.id, prefix, prefix, ...(q.after ? [q.after.name] : []), q.limit];
      rows = this.db
        .prepare<unknown[], StreamRow>(`SELECT * FROM log_streams WHERE group_id = ? AND substr(name, 1, length(?)) = ? ${after} ORDER BY name ${dir} LIMIT ?`)
        .all(...args);
    }
    return Promise.resolve(rows.map((r) => streamOf(q.group, r)));
  }

  events(q: LogEventQuery): Promise<StoredLogEvent[]> {
    const g = this.groupStmt.get(q.group);
    if (!g) return Promise.resolve([]);
    const where: string[] = ["e.group_id = ?"];
    const args: unknown[] = [g.id];
    if (q.streams !== undefined) {
      const ids = q.streams.map((name) => this.streamStmt.get(g.id, name)?.id).filter((id): id is number => id !== undefined);
      if (ids.length === 0) return Promise.resolve([]);
      // One stream: its own index; several: the group's, filtered.
      where[0] = ids.length === 1 ? "e.stream_id = ?" : `e.group_id = ? AND e.stream_id IN (${ids.map(() => "?").join(",")})`;
      args.splice(0, 1, ...(ids.length === 1 ? ids : [g.id, ...ids]));
    }
    if (q.streamPrefix !== undefined) {
      where.push("substr(s.name, 1, length(?)) = ?");
      args.push(q.streamPrefix, q.streamPrefix);
    }
    if (q.fromMs !== undefined) {
      where.push("e.ts >= ?");
      args.push(q.fromMs);
    }
    if (q.toMs !== undefined) {
      where.push("e.ts < ?");
      args.push(q.toMs);
    }
    for (const clause of q.contains ?? []) {
      if (clause.length === 0) continue;
      where.push(`(${clause.map(() => "instr(e.message, ?) > 0").join(" OR ")})`);
      args.push(...clause);
    }
    const predicate = q.matches === undefined ? undefined : ++this.nextPredicate;
    if (predicate !== undefined) {
      where.push("berth_log_match(?, e.message)");
      args.push(predicate);
    }
    if (q.from !== undefined) {
      where.push(`(e.ts, e.id) ${q.descending ? "<" : ">"} (?, ?)`);
      args.push(q.from.timestamp, q.from.id);
    }
    const dir = q.descending ? "DESC" : "ASC";
    const sql = `SELECT e.id, s.name AS stream, e.ts, e.ingestion_ms, e.message FROM log_events e JOIN log_streams s ON s.id = e.stream_id
      WHERE ${where.join(" AND ")} ORDER BY e.ts ${dir}, e.id ${dir} LIMIT ?`;
    let stmt = this.queries.get(sql);
    if (!stmt) {
      stmt = this.db.prepare<unknown[], EventRow>(sql);
      if (this.queries.size < 64) this.queries.set(sql, stmt);
    }
    if (predicate !== undefined) this.predicates.set(predicate, q.matches!);
    let rows: EventRow[];
    try {
      rows = stmt.all(...args, q.limit);
    } finally {
      if (predicate !== undefined) this.predicates.delete(predicate);
    }
    return Promise.resolve(rows.map((r) => ({ id: r.id, streamName: r.stream, timestamp: r.ts, ingestionMs: r.ingestion_ms, message: r.message })));
  }

  retainedGroups(): Promise<LogGroupRecord[]> {
    return Promise.resolve(this.db.prepare<[], GroupRow>("SELECT * FROM log_groups WHERE retention_days IS NOT NULL").all().map(groupOf));
  }

  createGroup(g: LogGroupRecord): Promise<boolean> {
    const r = this.db
      .prepare("INSERT INTO log_groups (name, created_ms, retention_days, tags, stored_bytes) VALUES (?, ?, ?, ?, 0) ON CONFLICT (name) DO NOTHING")
      .run(g.name, g.createdMs, g.retentionDays ?? null, JSON.stringify(g.tags));
    return Promise.resolve(r.changes === 1);
  }

  setRetention(group: string, days: number | undefined): Promise<void> {
    this.db.prepare("UPDATE log_groups SET retention_days = ? WHERE name = ?").run(days ?? null, group);
    return Promise.resolve();
  }

  setTags(group: string, tags: Readonly<Record<string, string>>): Promise<void> {
    this.db.prepare("UPDATE log_groups SET tags = ? WHERE name = ?").run(JSON.stringify(tags), group);
    return Promise.resolve();
  }

  deleteGroup(name: string): Promise<void> {
    const g = this.groupStmt.get(name);
    if (!g) return Promise.resolve();
    this.db.prepare("DELETE FROM log_events WHERE group_id = ?").run(g.id);
    this.db.prepare("DELETE FROM log_streams WHERE group_id = ?").run(g.id);
    this.db.prepare("DELETE FROM log_groups WHERE id = ?").run(g.id);
    return Promise.resolve();
  }

  createStream(s: LogStreamRecord): Promise<boolean> {
    const g = this.groupStmt.get(s.groupName);
    if (!g) return Promise.resolve(false);
    const r = this.db
      .prepare("INSERT INTO log_streams (group_id, name, created_ms, stored_bytes) VALUES (?, ?, ?, 0) ON CONFLICT (group_id, name) DO NOTHING")
      .run(g.id, s.name, s.createdMs);
    return Promise.resolve(r.changes === 1);
  }

  deleteStream(group: string, name: string): Promise<void> {
    const g = this.groupStmt.get(group);
    const s = g && this.streamStmt.get(g.id, name);
    if (!g || !s) return Promise.resolve();
    this.db.prepare("DELETE FROM log_events WHERE stream_id = ?").run(s.id);
    this.db.prepare("DELETE FROM log_streams WHERE id = ?").run(s.id);
    this.touchGroup.run(-s.stored_bytes, g.id);
    return Promise.resolve();
  }

  append(group: string, stream: string, events: readonly NewLogEvent[], ingestionMs: number, resumeCursor?: string): Promise<void> {
    const g = this.groupStmt.get(group);
    const s = g && this.streamStmt.get(g.id, stream);
    if (!g || !s) return Promise.resolve();
    if (resumeCursor !== undefined) this.db.prepare("UPDATE log_streams SET resume_cursor = ? WHERE id = ?").run(resumeCursor, s.id);
    if (events.length === 0) return Promise.resolve();
    let first = Infinity;
    let last = -Infinity;
    let bytes = 0;
    const args: unknown[] = [];
    for (const [i, e] of events.entries()) {
      if (i < events.length - (events.length % rowsPerInsert)) {
        args.push(g.id, s.id, e.timestamp, ingestionMs, e.message);
        if (args.length === rowsPerInsert * 5) this.insertMany.run(...args.splice(0));
      } else this.insertEvent.run(g.id, s.id, e.timestamp, ingestionMs, e.message);
      first = Math.min(first, e.timestamp);
      last = Math.max(last, e.timestamp);
      bytes += Buffer.byteLength(e.message);
    }
    this.touchStream.run({ first, last, ingestion: ingestionMs, bytes, id: s.id });
    this.touchGroup.run(bytes, g.id);
    return Promise.resolve();
  }

  expire(group: string, beforeMs: number, limit: number): Promise<number> {
    const g = this.groupStmt.get(group);
    if (!g) return Promise.resolve(0);
    const r = this.db
      .prepare("DELETE FROM log_events WHERE id IN (SELECT id FROM log_events WHERE group_id = ? AND ts < ? ORDER BY ts LIMIT ?)")
      .run(g.id, beforeMs, limit);
    // The streams' first event times move past what is gone.
    if (r.changes > 0) {
      this.db
        .prepare("UPDATE log_streams SET first_event_ms = (SELECT min(ts) FROM log_events WHERE stream_id = log_streams.id) WHERE group_id = ? AND first_event_ms < ?")
        .run(g.id, beforeMs);
    }
    return Promise.resolve(r.changes);
  }
}
