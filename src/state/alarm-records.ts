import type { AlarmRecord } from "../domain/metrics/alarm.js";
import type { AlarmHistoryRecord } from "../domain/metrics/alarm-history.js";

export type { AlarmHistoryRecord };

export interface AlarmQuery {
  readonly names?: readonly string[] | undefined;
  readonly namePrefix?: string | undefined;
  readonly state?: string | undefined;
  readonly after?: string | undefined;
  readonly limit: number;
}

export interface HistoryQuery {
  readonly alarmName?: string | undefined;
  readonly type?: string | undefined;
  readonly fromMs: number;
  readonly toMs: number;
  readonly newestFirst: boolean;
  /** Skips this many entries (the NextToken). */
  readonly offset: number;
  readonly limit: number;
}

export interface AlarmReader {
  get(name: string): Promise<AlarmRecord | undefined>;
  /** Alarms by name order, with the name to continue after. */
  list(q: AlarmQuery): Promise<{ items: AlarmRecord[]; next?: string | undefined }>;
  history(q: HistoryQuery): Promise<AlarmHistoryRecord[]>;
}

export interface AlarmRepository extends AlarmReader {
  put(alarm: AlarmRecord): Promise<void>;
  delete(name: string): Promise<boolean>;
  addHistory(entry: AlarmHistoryRecord): Promise<void>;
  /** Drops history older than `beforeMs` (CloudWatch keeps 30 days). */
  pruneHistory(beforeMs: number): Promise<number>;
}
