import { dueScheduleRun, retryAt, timed } from "../../domain/schedules/schedule-timing.js";
import { keptInvocations, type TargetOutcome } from "../../state/event-rule-records.js";
import type { ScheduleRecord } from "../../state/schedule-records.js";

/** A run of a Scheduler schedule that is due: its due time, and whether it tries again a run that started nothing. */
export interface ScheduleRun {
  readonly dueMs: number;
  readonly attempt: number;
}

/**
 * Whether the schedule, as stored now, has a run to make at `nowMs`: a retry whose time has come
 * first, else its next due time (several missed while the server was down make one run, the newest).
 */
export function scheduleDue(s: ScheduleRecord, nowMs: number): ScheduleRun | undefined {
  if (s.state !== "ENABLED") return undefined;
  if (s.retry && s.retry.atMs <= nowMs) return { dueMs: s.retry.dueMs, attempt: s.retry.attempt + 1 };
  const run = dueScheduleRun(s, nowMs);
  return run && { dueMs: run.dueMs, attempt: 1 };
}

/**
 * The schedule after a run: its last due time and the next, the outcome among its newest
 * invocations, and a retry when the run started nothing and its RetryPolicy allows one. Undefined
 * when the schedule is to be deleted: ActionAfterCompletion DELETE and no run left to make.
 */
export function afterScheduleRun(s: ScheduleRecord, run: ScheduleRun, outcome: TargetOutcome, nowMs: number): ScheduleRecord | undefined {
  const invocations = [...s.invocations, { dueMs: run.dueMs, atMs: nowMs, targets: [outcome] }].slice(-keptInvocations);
  const failedWhole = outcome.failure !== undefined && outcome.taskArns.length === 0;
  const retryAtMs = failedWhole ? retryAt(s.target.RetryPolicy, run.dueMs, run.attempt, nowMs) : undefined;
  const lastDueMs = Math.max(run.dueMs, s.lastDueMs ?? Number.NEGATIVE_INFINITY);
  const next = timed({ ...s, version: s.version + 1, lastDueMs, invocations, retry: retryAtMs === undefined ? undefined : { dueMs: run.dueMs, attempt: run.attempt, atMs: retryAtMs } }, lastDueMs);
  if (next.retry === undefined && next.nextDueMs === undefined && s.actionAfterCompletion === "DELETE") return undefined;
  // The runner reads schedules by nextFireMs: a pending retry is due at its own time if that comes first.
  return next.retry && (next.nextFireMs === undefined || next.retry.atMs < next.nextFireMs) ? { ...next, nextFireMs: next.retry.atMs } : next;
}
