import type { TaskOverride } from "@aws-sdk/client-ecs";
import type { Target } from "@aws-sdk/client-scheduler";
import type { InvocationRecord } from "./event-rule-records.js";

/**
 * EventBridge Scheduler's schedules and schedule groups as the store keeps them (migration 14).
 * Like rules, a schedule's next run time is a column, and its `lastDueMs` is saved in the write that
 * starts the run's tasks, so a due run starts once, across restarts.
 */
export interface ScheduleRecord {
  readonly group: string;
  readonly name: string;
  readonly arn: string;
  /** Bumped by every save; a save over another version throws ScheduleConflictError. */
  readonly version: number;
  readonly scheduleExpression: string;
  readonly timezone?: string | undefined;
  readonly startDateMs?: number | undefined;
  readonly endDateMs?: number | undefined;
  readonly description?: string | undefined;
  readonly state: "ENABLED" | "DISABLED";
  readonly flexibleTimeWindow: { readonly Mode: "OFF" | "FLEXIBLE"; readonly MaximumWindowInMinutes?: number | undefined };
  readonly actionAfterCompletion: "NONE" | "DELETE";
  readonly kmsKeyArn?: string | undefined;
  /** Scheduler's Target shape as given (ECS targets only), and the task overrides its Input carries. */
  readonly target: Target;
  readonly overrides?: TaskOverride | undefined;
  readonly createdAtMs: number;
  readonly modifiedAtMs: number;
  /** rate(): periods count from here when there is no StartDate (creation, or the last change of the expression). */
  readonly anchorMs: number;
  /** The next due time (schedule's time, before the flexible window's spread). */
  readonly nextDueMs?: number | undefined;
  /** When the next run starts: nextDueMs spread in the flexible window; the runner's indexed column. */
  readonly nextFireMs?: number | undefined;
  readonly lastDueMs?: number | undefined;
  /** A run that started no task, to be tried again (the target's RetryPolicy): its due time, the attempts made, when next. */
  readonly retry?: { readonly dueMs: number; readonly attempt: number; readonly atMs: number } | undefined;
  readonly invocations: readonly InvocationRecord[];
}

export interface ScheduleGroupRecord {
  readonly name: string;
  readonly arn: string;
  readonly createdAtMs: number;
  readonly modifiedAtMs: number;
}

export interface ScheduleQuery {
  readonly group?: string | undefined;
  readonly namePrefix?: string | undefined;
  readonly state?: "ENABLED" | "DISABLED" | undefined;
  /** `group/name` of the last schedule of the previous page. */
  readonly after?: string | undefined;
  readonly limit: number;
}

export interface ScheduleReader {
  get(group: string, name: string): Promise<ScheduleRecord | undefined>;
  /** Ordered by group, then name. */
  list(q: ScheduleQuery): Promise<{ readonly items: readonly ScheduleRecord[]; readonly nextAfter?: string | undefined }>;
  /** Schedules whose next run time has come (nextFireMs ≤ nowMs), soonest first. */
  due(nowMs: number, limit: number): Promise<ScheduleRecord[]>;
  countInGroup(group: string): Promise<number>;
  group(name: string): Promise<ScheduleGroupRecord | undefined>;
  groups(q: { readonly namePrefix?: string | undefined; readonly after?: string | undefined; readonly limit: number }): Promise<{ readonly items: readonly ScheduleGroupRecord[]; readonly nextAfter?: string | undefined }>;
}

export interface ScheduleRepository extends ScheduleReader {
  /** Saves version 1 as a new schedule, version n + 1 only over version n; otherwise throws ScheduleConflictError. */
  put(record: ScheduleRecord): Promise<void>;
  delete(group: string, name: string): Promise<void>;
  putGroup(record: ScheduleGroupRecord): Promise<void>;
  /** Deletes a group and its schedules. */
  deleteGroup(name: string): Promise<void>;
}

export class ScheduleConflictError extends Error {
  override readonly name = "ScheduleConflictError";
  constructor(readonly schedule: string) {
    super(`schedule ${schedule} was saved by another writer`);
  }
}
