import { nextCronFire, parseCron, type Cron } from "./cron.js";
import { parseScheduleExpression } from "./schedule-expression.js";
import { fromWall, toWall } from "./time-zone.js";

/** An EventBridge Scheduler expression: one time (`at()`), a rate, or a cron, the last two in a time zone. */
export type SchedulerExpression =
  | { readonly kind: "at"; readonly wallMs: number }
  | { readonly kind: "rate"; readonly periodMs: number }
  | { readonly kind: "cron"; readonly cron: Cron };

/** `at(yyyy-mm-ddThh:mm:ss)`, `rate(value unit)` or `cron(fields)`, or why it is not one. */
export function parseSchedulerExpression(text: string): SchedulerExpression | { readonly invalid: string } {
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(text);
  if (at) {
    const [y, mo, d, h, mi, s] = at.slice(1).map(Number) as [number, number, number, number, number, number];
    const wallMs = Date.UTC(y, mo - 1, d, h, mi, s);
    const back = new Date(wallMs);
    if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return { invalid: "at() names a date that does not exist" };
    return { kind: "at", wallMs };
  }
  if (text.startsWith("at(")) return { invalid: "at() takes yyyy-mm-ddThh:mm:ss" };
  if (text.startsWith("cron(")) {
    const parsed = parseCron(/^cron\((.*)\)$/.exec(text)?.[1] ?? "");
    return typeof parsed === "string" ? { invalid: parsed } : { kind: "cron", cron: parsed };
  }
  const rate = parseScheduleExpression(text);
  if ("invalid" in rate) return rate;
  return rate.kind === "rate" ? rate : { invalid: "not a schedule expression" };
}

/** What a schedule's timing depends on. */
export interface ScheduleTiming {
  readonly expression: SchedulerExpression;
  /** IANA zone of at() and cron() (default UTC). */
  readonly zone: string;
  /** rate(): periods count from here (StartDate, else when the schedule was created or its expression last changed). */
  readonly anchorMs: number;
  readonly startMs?: number | undefined;
  readonly endMs?: number | undefined;
}

/**
 * The schedule's first due time strictly after `afterMs`, within StartDate and EndDate; undefined
 * when it has none left (an at() in the past, past EndDate, a cron past its years).
 */
export function nextScheduledTime(t: ScheduleTiming, afterMs: number): number | undefined {
  const from = t.startMs !== undefined ? Math.max(afterMs, t.startMs - 1) : afterMs;
  let next: number | undefined;
  const e = t.expression;
  if (e.kind === "at") {
    const at = fromWall(t.zone, e.wallMs);
    next = at > from ? at : undefined;
  } else if (e.kind === "rate") {
    const anchor = t.startMs ?? t.anchorMs;
    next = from < anchor ? anchor + (t.startMs === undefined ? e.periodMs : 0) : anchor + (Math.floor((from - anchor) / e.periodMs) + 1) * e.periodMs;
  } else {
    next = nextCronInZone(e.cron, t.zone, from);
  }
  return next !== undefined && (t.endMs === undefined || next <= t.endMs) ? next : undefined;
}

/** A cron read in a zone's wall-clock time: the next instant strictly after `afterMs`. */
function nextCronInZone(cron: Cron, zone: string, afterMs: number): number | undefined {
  let wall = toWall(zone, afterMs);
  // A wall time skipped or repeated at a DST change can map to an instant not after `afterMs`: look further.
  for (let i = 0; i < 4; i++) {
    const nextWall = nextCronFire(cron, wall);
    if (nextWall === undefined) return undefined;
    const at = fromWall(zone, nextWall);
    if (at > afterMs) return at;
    wall = nextWall;
  }
  return undefined;
}

/**
 * When a due time runs inside a flexible time window: a spread of up to `windowMinutes` after it,
 * fixed by the schedule's name and the due time (the same run lands at the same time on every
 * replica and after a restart), as Scheduler spreads invocations inside the window.
 */
export function withinWindow(dueMs: number, windowMinutes: number | undefined, key: string): number {
  if (!windowMinutes) return dueMs;
  let h = 2166136261;
  for (const ch of `${key}@${dueMs}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return dueMs + (h % (windowMinutes * 60)) * 1000;
}
