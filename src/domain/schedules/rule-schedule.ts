import { nextFire, parseScheduleExpression } from "./schedule-expression.js";

/** What a rule's schedule needs to say when it is due. */
export interface RuleTiming {
  readonly state: "ENABLED" | "DISABLED";
  readonly scheduleExpression?: string | undefined;
  readonly anchorMs: number;
  readonly lastFireMs?: number | undefined;
}

/**
 * When an enabled scheduled rule is due next, after the last run it started (or, for a rule that
 * has not run, after `fromMs`); undefined for a disabled rule, a rule without a schedule, or one that
 * never fires again. A run missed while the server was down is due at once, and only the newest
 * missed one: EventBridge does not backfill every missed tick (see `catchUp`).
 */
export function nextDue(rule: RuleTiming, fromMs: number): number | undefined {
  if (rule.state !== "ENABLED" || rule.scheduleExpression === undefined) return undefined;
  const e = parseScheduleExpression(rule.scheduleExpression);
  if ("invalid" in e) return undefined;
  return nextFire(e, Math.max(fromMs, rule.lastFireMs ?? Number.NEGATIVE_INFINITY), rule.anchorMs);
}

/**
 * The run to start for a rule found due at `nowMs` (its nextFireMs ≤ nowMs): the newest due time
 * not after `nowMs` (several ticks missed while down make one run), and the next due time after it.
 */
export function catchUp(rule: RuleTiming & { readonly nextFireMs: number }, nowMs: number): { readonly dueMs: number; readonly nextMs: number | undefined } {
  let dueMs = rule.nextFireMs;
  for (;;) {
    const next = nextDue({ ...rule, lastFireMs: dueMs }, dueMs);
    if (next === undefined || next > nowMs) return { dueMs, nextMs: next };
    dueMs = next;
  }
}
