import { nextScheduledTime, parseSchedulerExpression, withinWindow, type ScheduleTiming } from "./scheduler-expression.js";

/** What a Scheduler schedule's next run depends on (the store's ScheduleRecord has these members). */
export interface TimedSchedule {
  readonly group: string;
  readonly name: string;
  readonly state: "ENABLED" | "DISABLED";
  readonly scheduleExpression: string;
  readonly timezone?: string | undefined;
  readonly anchorMs: number;
  readonly startDateMs?: number | undefined;
  readonly endDateMs?: number | undefined;
  readonly lastDueMs?: number | undefined;
  readonly flexibleTimeWindow: { readonly MaximumWindowInMinutes?: number | undefined };
}

/**
 * The schedule with its next due time after `fromMs` and after the last one run (none when it is
 * disabled or has no due time left), and when that run starts: spread in its flexible window.
 */
export function timed<T extends TimedSchedule>(r: T, fromMs: number): T & { readonly nextDueMs: number | undefined; readonly nextFireMs: number | undefined } {
  const nextDueMs = r.state === "ENABLED" ? nextScheduledTime(timingOf(r), Math.max(fromMs, r.lastDueMs ?? Number.NEGATIVE_INFINITY)) : undefined;
  return { ...r, nextDueMs, nextFireMs: nextDueMs === undefined ? undefined : withinWindow(nextDueMs, r.flexibleTimeWindow.MaximumWindowInMinutes, `${r.group}/${r.name}`) };
}

export function timingOf(r: TimedSchedule): ScheduleTiming {
  const e = parseSchedulerExpression(r.scheduleExpression);
  // A stored expression was checked when it was saved; one that no longer parses never runs.
  return { expression: "invalid" in e ? { kind: "at", wallMs: Number.NEGATIVE_INFINITY } : e, zone: r.timezone ?? "UTC", anchorMs: r.anchorMs, startMs: r.startDateMs, endMs: r.endDateMs };
}

/**
 * The run to make of a schedule found due at `nowMs` (its next due time has come): the newest due
 * time not after `nowMs` (several missed while the server was down make one run, as Scheduler does
 * not backfill them), or undefined when it is not due.
 */
export function dueScheduleRun(r: TimedSchedule & { readonly nextDueMs?: number | undefined; readonly nextFireMs?: number | undefined }, nowMs: number): { readonly dueMs: number } | undefined {
  if (r.state !== "ENABLED" || r.nextDueMs === undefined || r.nextFireMs === undefined || r.nextFireMs > nowMs) return undefined;
  const timing = timingOf(r);
  let dueMs = r.nextDueMs;
  for (;;) {
    const next = nextScheduledTime(timing, dueMs);
    if (next === undefined || next > nowMs) return { dueMs };
    dueMs = next;
  }
}

/** Scheduler's RetryPolicy and its defaults: 185 attempts within 24 hours of the due time. */
export interface RetryPolicy {
  readonly MaximumEventAgeInSeconds?: number | undefined;
  readonly MaximumRetryAttempts?: number | undefined;
}

/**
 * When to try again a run that started nothing, after `attempt` tries: backing off exponentially
 * (1 s, 2 s, 4 s, … up to 5 minutes), within the policy's attempts and event age; undefined when
 * the policy allows no more.
 */
export function retryAt(policy: RetryPolicy | undefined, dueMs: number, attempt: number, nowMs: number): number | undefined {
  const maxAttempts = policy?.MaximumRetryAttempts ?? 185;
  const maxAgeMs = (policy?.MaximumEventAgeInSeconds ?? 86_400) * 1000;
  if (attempt > maxAttempts) return undefined;
  const at = nowMs + Math.min(300_000, 1000 * 2 ** Math.min(attempt - 1, 20));
  return at - dueMs <= maxAgeMs ? at : undefined;
}
