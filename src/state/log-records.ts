import type { LogPosition } from "../domain/logs/position.js";

/**
 * CloudWatch Logs' groups, streams and events as the store keeps them (migration 13). Events are
 * ordered by (timestamp, id): `id` is the store's insertion number, unique across all groups, so a
 * position in that order is a {@link LogPosition} that tokens carry.
 */
export interface LogGroupRecord {
  readonly name: string;
  readonly createdMs: number;
  readonly retentionDays?: number | undefined;
  readonly tags: Readonly<Record<string, string>>;
  readonly storedBytes: number;
}

export interface LogStreamRecord {
  readonly groupName: string;
  readonly name: string;
  readonly createdMs: number;
  readonly firstEventMs?: number | undefined;
  readonly lastEventMs?: number | undefined;
  readonly lastIngestionMs?: number | undefined;
  readonly storedBytes: number;
  /** Berth's agent's position in the container's log after the last batch it had accepted (put-events.ts). */
  readonly resumeCursor?: string | undefined;
}

export interface StoredLogEvent {
  readonly id: number;
  readonly streamName: string;
  readonly timestamp: number;
  readonly ingestionMs: number;
  readonly message: string;
}


export interface LogGroupQuery {
  readonly prefix?: string | undefined;
  /** Case-insensitive substring of the name (DescribeLogGroups' logGroupNamePattern). */
  readonly pattern?: string | undefined;
  readonly after?: string | undefined;
  readonly limit: number;
}

export interface LogStreamQuery {
  readonly group: string;
  readonly prefix?: string | undefined;
  readonly orderBy: "LogStreamName" | "LastEventTime";
  readonly descending: boolean;
  /** The previous page's last stream: its name, and its last event time when ordered by it. */
  readonly after?: { readonly name: string; readonly lastEventMs: number } | undefined;
  readonly limit: number;
}

export interface LogEventQuery {
  readonly group: string;
  /** Only these streams (by name); all the group's when absent. */
  readonly streams?: readonly string[] | undefined;
  readonly streamPrefix?: string | undefined;
  /** Timestamps from (inclusive) and to (exclusive). */
  readonly fromMs?: number | undefined;
  readonly toMs?: number | undefined;
  /** Events strictly after this position (ascending) or strictly before it (descending). */
  readonly from?: LogPosition | undefined;
  readonly descending: boolean;
  readonly limit: number;
  /** Text the events must contain: each clause an OR of substrings, every clause required. */
  readonly contains?: readonly (readonly string[])[] | undefined;
  /** Only events whose message this accepts (a filter pattern), decided inside the store's scan. */
  readonly matches?: ((message: string) => boolean) | undefined;
}

export interface NewLogEvent {
  readonly timestamp: number;
  readonly message: string;
}

export interface LogsReader {
  group(name: string): Promise<LogGroupRecord | undefined>;
  groups(q: LogGroupQuery): Promise<{ readonly items: readonly LogGroupRecord[]; readonly nextAfter?: string | undefined }>;
  stream(group: string, name: string): Promise<LogStreamRecord | undefined>;
  streams(q: LogStreamQuery): Promise<readonly LogStreamRecord[]>;
  /** Events in (timestamp, id) order (reversed when descending), at most `limit`. */
  events(q: LogEventQuery): Promise<readonly StoredLogEvent[]>;
  /** Every group with a retention, for the retention sweep. */
  retainedGroups(): Promise<readonly LogGroupRecord[]>;
}

export interface LogsRepository extends LogsReader {
  /** False when the group exists already. */
  createGroup(g: LogGroupRecord): Promise<boolean>;
  setRetention(group: string, days: number | undefined): Promise<void>;
  setTags(group: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /** Removes the group with its streams and events. */
  deleteGroup(name: string): Promise<void>;
  /** False when the stream exists already. */
  createStream(s: LogStreamRecord): Promise<boolean>;
  deleteStream(group: string, name: string): Promise<void>;
  /** Appends events (already checked) to an existing stream; `resumeCursor`, when given, is saved with them. */
  append(group: string, stream: string, events: readonly NewLogEvent[], ingestionMs: number, resumeCursor?: string): Promise<void>;
  /** Deletes the group's events with a timestamp before `beforeMs`, at most `limit`; how many. */
  expire(group: string, beforeMs: number, limit: number): Promise<number>;
}
