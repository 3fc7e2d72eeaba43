import type { LogPosition } from "../../domain/logs/position.js";
import type { LogEventQuery, LogGroupQuery, LogGroupRecord, LogsRepository, LogStreamQuery, LogStreamRecord, NewLogEvent, StoredLogEvent } from "../log-records.js";
import { streamOf, type StreamRow } from "../log-stream-row.js";
import { hasPrefix } from "./rows.js";
import type { Sql } from "./sql.js";

interface GroupRow {
  id: number;
  name: string;
  created_ms: number;
  retention_days: number | null;
  tags: Record<string, string>;
  stored_bytes: number;
}
interface EventRow {
  id: number;
  stream: string;
  ts: number;
  ingestion_ms: number;
  message: Buffer;
}

const groupOf = (r: GroupRow): LogGroupRecord => ({
  name: r.name,
  createdMs: r.created_ms,
  retentionDays: r.retention_days ?? undefined,
  tags: r.tags,
  storedBytes: r.stored_bytes,
});

const eventOf = (r: EventRow): StoredLogEvent => ({ id: r.id, streamName: r.stream, timestamp: r.ts, ingestionMs: r.ingestion_ms, message: r.message.toString("utf8") });

/** Rows a filtered scan reads per statement at most: SQLite filters inside its scan, PostgreSQL in JavaScript (see `events`). */
const mostRowsPerScan = 16_384;

/**
 * CloudWatch Logs' groups, streams and events, as sqlite/logs.ts keeps them. Messages are stored as
 * their UTF-8 bytes (`bytea`), so that a message holding NUL is kept as SQLite keeps it; substrings
 * are searched for as bytes, which for UTF-8 finds exactly what a search of the text finds.
 */
export class PostgresLogs implements LogsRepository {
  constructor(private readonly db: Sql) {}

  async group(name: string): Promise<LogGroupRecord | undefined> {
    const row = await this.db.row<GroupRow>("SELECT * FROM log_groups WHERE name = $1", [name]);
    return row && groupOf(row);
  }

  async groups(q: LogGroupQuery): Promise<{ items: LogGroupRecord[]; nextAfter?: string }> {
    // lower() of the "C" collation changes ASCII letters only, as SQLite's lower() does.
    const rows = await this.db.rows<GroupRow>(
      `SELECT * FROM log_groups WHERE ${hasPrefix("name", 1)} AND name > $2 AND strpos(lower(name), lower($3::text COLLATE "C")) > 0 ORDER BY name LIMIT $4`,
      [q.prefix ?? "", q.after ?? "", q.pattern ?? "", q.limit + 1],
    );
    const groups = rows.map(groupOf);
    if (groups.length <= q.limit) return { items: groups };
    const items = groups.slice(0, q.limit);
    return { items, nextAfter: items[items.length - 1]!.name };
  }

  async stream(group: string, name: string): Promise<LogStreamRecord | undefined> {
    const row = await this.db.row<StreamRow>("SELECT s.* FROM log_streams s JOIN log_groups g ON g.id = s.group_id WHERE g.name = $1 AND s.name = $2", [group, name]);
    return row && streamOf(group, row);
  }

  async streams(q: LogStreamQuery): Promise<LogStreamRecord[]> {
    const dir = q.descending ? "DESC" : "ASC";
    const cmp = q.descending ? "<" : ">";
    const params: unknown[] = [q.group];
    const bind = (value: unknown) => `$${params.push(value)}`;
    let where: string;
    let order: string;
    if (q.orderBy === "LastEventTime") {
      where = q.after ? `AND (coalesce(s.last_event_ms, 0), s.name) ${cmp} (${bind(q.after.lastEventMs)}::bigint, ${bind(q.after.name)})` : "";
      order = `coalesce(s.last_event_ms, 0) ${dir}, s.name ${dir}`;
    } else {
      where = `AND ${hasPrefix("s.name", params.push(q.prefix ?? ""))} ${q.after ? `AND s.name ${cmp} ${bind(q.after.name)}` : ""}`;
      order = `s.name ${dir}`;
    }
    // The group's id as a constant of the scan (not a join): the (group_id, name) index then gives the name order.
    const rows = await this.db.rows<StreamRow>(
      `SELECT s.* FROM log_streams s WHERE s.group_id = (SELECT id FROM log_groups WHERE name = $1) ${where} ORDER BY ${order} LIMIT ${bind(q.limit)}`,
      params,
    );
    return rows.map((r) => streamOf(q.group, r));
  }

  async events(q: LogEventQuery): Promise<StoredLogEvent[]> {
    const g = await this.groupId(q.group);
    if (g === undefined) return [];
    const params: unknown[] = [];
    const bind = (value: unknown) => `$${params.push(value)}`;
    const where: string[] = [];
    if (q.streams !== undefined) {
      const ids = (await this.db.rows<{ id: number }>("SELECT id FROM log_streams WHERE group_id = $1 AND name = ANY($2::text[])", [g, [...q.streams]])).map((r) => r.id);
      if (ids.length === 0) return [];
      // One stream: its own index; several: the group's, filtered.
      where.push(ids.length === 1 ? `e.stream_id = ${bind(ids[0])}` : `e.group_id = ${bind(g)} AND e.stream_id = ANY(${bind(ids)}::bigint[])`);
    } else where.push(`e.group_id = ${bind(g)}`);
    if (q.streamPrefix !== undefined) where.push(hasPrefix("s.name", params.push(q.streamPrefix)));
    if (q.fromMs !== undefined) where.push(`e.ts >= ${bind(q.fromMs)}`);
    if (q.toMs !== undefined) where.push(`e.ts < ${bind(q.toMs)}`);
    for (const clause of q.contains ?? []) {
      if (clause.length === 0) continue;
      where.push(`EXISTS (SELECT FROM unnest(${bind(clause.map((text) => Buffer.from(text, "utf8")))}::bytea[]) AS c (part) WHERE position(c.part IN e.message) > 0)`);
    }
    const dir = q.descending ? "DESC" : "ASC";
    const scan = (from: LogPosition | undefined, limit: number): Promise<EventRow[]> => {
      const p = [...params];
      const after = from === undefined ? [] : [`(e.ts, e.id) ${q.descending ? "<" : ">"} ($${p.push(from.timestamp)}::bigint, $${p.push(from.id)}::bigint)`];
      const text = `SELECT e.id, s.name AS stream, e.ts, e.ingestion_ms, e.message FROM log_events e JOIN log_streams s ON s.id = e.stream_id
        WHERE ${[...where, ...after].join(" AND ")} ORDER BY e.ts ${dir}, e.id ${dir} LIMIT $${p.push(limit)}`;
      return this.db.rows<EventRow>(text, p);
    };
    if (q.matches === undefined) return (await scan(q.from, q.limit)).map(eventOf);
    return filtered(scan, q.from, q.limit, q.matches);
  }

  async retainedGroups(): Promise<LogGroupRecord[]> {
    return (await this.db.rows<GroupRow>("SELECT * FROM log_groups WHERE retention_days IS NOT NULL")).map(groupOf);
  }

  async createGroup(g: LogGroupRecord): Promise<boolean> {
    const changed = await this.db.run(
      "INSERT INTO log_groups (name, created_ms, retention_days, tags, stored_bytes) VALUES ($1, $2, $3, $4, 0) ON CONFLICT (name) DO NOTHING",
      [g.name, g.createdMs, g.retentionDays ?? null, JSON.stringify(g.tags)],
    );
    return changed === 1;
  }

  async setRetention(group: string, days: number | undefined): Promise<void> {
    await this.db.run("UPDATE log_groups SET retention_days = $1 WHERE name = $2", [days ?? null, group]);
  }

  async setTags(group: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await this.db.run("UPDATE log_groups SET tags = $1 WHERE name = $2", [JSON.stringify(tags), group]);
  }

  async deleteGroup(name: string): Promise<void> {
    const g = await this.groupId(name);
    if (g === undefined) return;
    await this.db.run("DELETE FROM log_events WHERE group_id = $1", [g]);
    await this.db.run("DELETE FROM log_streams WHERE group_id = $1", [g]);
    await this.db.run("DELETE FROM log_groups WHERE id = $1", [g]);
  }

  async createStream(s: LogStreamRecord): Promise<boolean> {
    // No group, no row: false, as for a stream that exists.
    const changed = await this.db.run(
      `INSERT INTO log_streams (group_id, name, created_ms, stored_bytes) SELECT id, $2, $3, 0 FROM log_groups WHERE name = $1
       ON CONFLICT (group_id, name) DO NOTHING`,
      [s.groupName, s.name, s.createdMs],
    );
    return changed === 1;
  }

  async deleteStream(group: string, name: string): Promise<void> {
    const s = await this.streamKey(group, name);
    if (!s) return;
    await this.db.run("DELETE FROM log_events WHERE stream_id = $1", [s.id]);
    await this.db.run(
      `WITH gone AS (DELETE FROM log_streams WHERE id = $1 RETURNING group_id, stored_bytes)
       UPDATE log_groups g SET stored_bytes = g.stored_bytes - gone.stored_bytes FROM gone WHERE g.id = gone.group_id`,
      [s.id],
    );
  }

  async append(group: string, stream: string, events: readonly NewLogEvent[], ingestionMs: number, resumeCursor?: string): Promise<void> {
    const s = await this.streamKey(group, stream);
    if (!s) return;
    if (events.length === 0) {
      if (resumeCursor !== undefined) await this.db.run("UPDATE log_streams SET resume_cursor = $2 WHERE id = $1", [s.id, resumeCursor]);
      return;
    }
    let first = Infinity;
    let last = -Infinity;
    let bytes = 0;
    const timestamps: number[] = [];
    const messages: Buffer[] = [];
    for (const e of events) {
      const message = Buffer.from(e.message, "utf8");
      timestamps.push(e.timestamp);
      messages.push(message);
      first = Math.min(first, e.timestamp);
      last = Math.max(last, e.timestamp);
      bytes += message.length;
    }
    // One statement for the batch; ids in the batch's order (ties of timestamp read back in it).
    await this.db.run(
      `INSERT INTO log_events (group_id, stream_id, ts, ingestion_ms, message)
       SELECT $1, $2, e.ts, $3, e.message FROM unnest($4::bigint[], $5::bytea[]) WITH ORDINALITY AS e (ts, message, n) ORDER BY e.n`,
      [s.groupId, s.id, ingestionMs, timestamps, messages],
    );
    await this.db.run(
      `WITH touched AS (
         UPDATE log_streams SET first_event_ms = LEAST(first_event_ms, $2::bigint), last_event_ms = GREATEST(last_event_ms, $3::bigint),
           last_ingestion_ms = $4, stored_bytes = stored_bytes + $5::bigint, resume_cursor = coalesce($6, resume_cursor)
         WHERE id = $1 RETURNING group_id)
       UPDATE log_groups g SET stored_bytes = g.stored_bytes + $5::bigint FROM touched WHERE g.id = touched.group_id`,
      [s.id, first, last, ingestionMs, bytes, resumeCursor ?? null],
    );
  }

  async expire(group: string, beforeMs: number, limit: number): Promise<number> {
    const g = await this.groupId(group);
    if (g === undefined) return 0;
    const deleted = await this.db.run(
      "DELETE FROM log_events WHERE id IN (SELECT id FROM log_events WHERE group_id = $1 AND ts < $2 ORDER BY ts, id LIMIT $3)",
      [g, beforeMs, limit],
    );
    // The streams' first event times move past what is gone.
    if (deleted > 0) {
      await this.db.run(
        "UPDATE log_streams SET first_event_ms = (SELECT min(ts) FROM log_events WHERE stream_id = log_streams.id) WHERE group_id = $1 AND first_event_ms < $2",
        [g, beforeMs],
      );
    }
    return deleted;
  }

  private async groupId(name: string): Promise<number | undefined> {
    return (await this.db.row<{ id: number }>("SELECT id FROM log_groups WHERE name = $1", [name]))?.id;
  }

  private streamKey(group: string, name: string): Promise<{ id: number; groupId: number } | undefined> {
    return this.db.row<{ id: number; groupId: number }>(
      `SELECT s.id, s.group_id AS "groupId" FROM log_streams s JOIN log_groups g ON g.id = s.group_id WHERE g.name = $1 AND s.name = $2`,
      [group, name],
    );
  }
}

/**
 * The first `limit` events that `matches` accepts, in scan order from `from`. SQLite runs the
 * predicate inside its scan; here the scan is read in growing chunks, each continuing after the
 * last row of the one before, until enough events matched or the rows ran out.
 */
async function filtered(
  scan: (from: LogPosition | undefined, limit: number) => Promise<EventRow[]>,
  from: LogPosition | undefined,
  limit: number,
  matches: (message: string) => boolean,
): Promise<StoredLogEvent[]> {
  const found: StoredLogEvent[] = [];
  let chunk = Math.min(Math.max(limit, 256), mostRowsPerScan);
  let position = from;
  while (found.length < limit) {
    const rows = await scan(position, chunk);
    for (const row of rows) {
      const event = eventOf(row);
      if (matches(event.message)) found.push(event);
      if (found.length === limit) return found;
    }
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < chunk) return found;
    position = { timestamp: last.ts, id: last.id };
    chunk = Math.min(chunk * 2, mostRowsPerScan);
  }
  return found;
}
