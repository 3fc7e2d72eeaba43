import type { LogStreamRecord } from "./log-records.js";

/** A `log_streams` row, as both stores' tables hold it (migration 13 in SQLite, 1 in PostgreSQL). */
export interface StreamRow {
  id: number;
  name: string;
  created_ms: number;
  first_event_ms: number | null;
  last_event_ms: number | null;
  last_ingestion_ms: number | null;
  stored_bytes: number;
  resume_cursor: string | null;
}

export const streamOf = (group: string, r: StreamRow): LogStreamRecord => ({
  groupName: group,
  name: r.name,
  createdMs: r.created_ms,
  firstEventMs: r.first_event_ms ?? undefined,
  lastEventMs: r.last_event_ms ?? undefined,
  lastIngestionMs: r.last_ingestion_ms ?? undefined,
  storedBytes: r.stored_bytes,
  resumeCursor: r.resume_cursor ?? undefined,
});
