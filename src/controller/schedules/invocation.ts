import { catchUp } from "../../domain/schedules/rule-schedule.js";
import { keptInvocations, type EventRuleRecord, type TargetOutcome } from "../../state/event-rule-records.js";

/** A run of a rule that is due: when it was due, and when the rule is due after it. */
export interface DueRun {
  readonly dueMs: number;
  readonly nextMs: number | undefined;
}

/**
 * Whether `rule`, as stored now, has a run due at `nowMs`: an enabled rule whose next due time has
 * come. Several due times missed (the server was down) make one run, the newest, as EventBridge does
 * not backfill each missed tick.
 */
export function dueRun(rule: EventRuleRecord, nowMs: number): DueRun | undefined {
  const { nextFireMs } = rule;
  if (rule.state !== "ENABLED" || nextFireMs === undefined || nextFireMs > nowMs) return undefined;
  return catchUp({ ...rule, nextFireMs }, nowMs);
}

/** The rule after a run: its last due time and next one, and the run's outcome among the newest invocations. */
export function afterRun(rule: EventRuleRecord, run: DueRun, outcomes: readonly TargetOutcome[], nowMs: number): EventRuleRecord {
  const invocations = [...rule.invocations, { dueMs: run.dueMs, atMs: nowMs, targets: outcomes }].slice(-keptInvocations);
  return { ...rule, version: rule.version + 1, lastFireMs: run.dueMs, nextFireMs: run.nextMs, invocations };
}
