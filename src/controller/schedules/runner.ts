import type { Logger } from "pino";
import type { Partition } from "../../domain/arn.js";
import type { Planner } from "../../planner/planner.js";
import { EventRuleConflictError, type TargetOutcome } from "../../state/event-rule-records.js";
import { ScheduleConflictError } from "../../state/schedule-records.js";
import type { Store } from "../../state/store.js";
import { afterRun, dueRun } from "./invocation.js";
import { invokeRun, invokeTarget } from "./invoke-target.js";
import { afterScheduleRun, scheduleDue } from "./schedule-run.js";
import { scheduleTargetRun } from "./target-request.js";

export interface ScheduleRunnerOptions {
  readonly store: Store;
  readonly planner: Planner;
  readonly partition: Partition;
  readonly logger: Logger;
  readonly now: () => number;
  /** How often due rules are looked for (`--schedule-tick`). */
  readonly tickMs: number;
  /**
   * The first runs wait this long after start: a run that fell due while the server was down starts
   * once agents had the time to reconnect (the server passes `--agent-lost-after`), not against
   * instances it has just marked disconnected.
   */
  readonly firstRunAfterMs?: number;
}

/** Due rules read per query; each runs in its own write, a batch's writes sharing commits. */
const batchSize = 200;

/**
 * Starts the runs of scheduled EventBridge rules. Every tick it reads the rules whose next due time
 * has come (an indexed column: idle rules cost nothing) and runs each in one store write that
 * re-reads the rule, starts its targets' tasks through the planner and saves the rule's last and
 * next due times: the tasks and the record of the run commit together, so a run starts once, and a
 * restart (or kill -9) neither repeats nor loses it. A target that cannot start (no such task
 * definition, nothing fits) is recorded in the run's outcome (FailedInvocations), not retried.
 */
export class ScheduleRunner {
  private timer: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private busy = false;
  private stopped = false;

  constructor(private readonly opts: ScheduleRunnerOptions) {
    this.timer = setTimeout(() => {
      this.timer = setInterval(() => this.tick(), opts.tickMs);
      this.tick();
    }, opts.firstRunAfterMs ?? 0);
  }

  private tick(): void {
    if (this.busy || this.stopped) return;
    this.busy = true;
    this.running = this.runDue()
      .then(() => undefined)
      .catch((err: unknown) => this.opts.logger.error({ err }, "schedules: a tick failed; the next one tries again"))
      .finally(() => {
        this.busy = false;
      });
  }

  /** Runs every rule and every Scheduler schedule due now, batch after batch, until none is; returns how many tasks were started. */
  async runDue(): Promise<number> {
    const { store } = this.opts;
    const rules = await this.drain("rule", (nowMs) => store.read(async (tx) => (await tx.eventRules.due(nowMs, batchSize)).map((r) => r.name)), (name, nowMs) => this.runOne(name, nowMs));
    const schedules = await this.drain("schedule", (nowMs) => store.read(async (tx) => (await tx.schedules.due(nowMs, batchSize)).map((s) => [s.group, s.name] as const)), ([group, name], nowMs) => this.runSchedule(group, name, nowMs));
    return rules + schedules;
  }

  /** Reads due keys and runs each, batch after batch, until a batch makes no run. */
  private async drain<K>(kind: string, readDue: (nowMs: number) => Promise<readonly K[]>, run: (key: K, nowMs: number) => Promise<number | undefined>): Promise<number> {
    let started = 0;
    for (;;) {
      if (this.stopped) return started;
      const nowMs = this.opts.now();
      const due = await readDue(nowMs);
      if (due.length === 0) return started;
      const results = await Promise.allSettled(due.map((k) => run(k, nowMs)));
      let ran = false;
      for (const [i, r] of results.entries()) {
        if (r.status === "fulfilled" && r.value !== undefined) [ran, started] = [true, started + r.value];
        else if (r.status === "rejected" && !(r.reason instanceof EventRuleConflictError) && !(r.reason instanceof ScheduleConflictError)) this.opts.logger.error({ err: r.reason, [kind]: due[i] }, "schedules: a run failed; the next tick tries again");
      }
      // Only a batch that made runs can have left more due ones to read; otherwise the next tick tries again.
      if (!ran) return started;
    }
  }

  /** One Scheduler schedule's due run (or retry), if it is still due as the write sees it; returns how many tasks it started. */
  private async runSchedule(group: string, name: string, nowMs: number): Promise<number | undefined> {
    const { planner, store, logger, partition } = this.opts;
    const done = await planner.retrying(() =>
      store.write(async (tx) => {
        const schedule = await tx.schedules.get(group, name);
        const run = schedule && scheduleDue(schedule, nowMs);
        if (!schedule || !run) return undefined;
        const outcome = await invokeRun(tx, { planner, partition, nowMs }, "schedule", scheduleTargetRun(group, name, schedule.target, schedule.overrides));
        const after = afterScheduleRun(schedule, run, outcome, nowMs);
        if (after) await tx.schedules.put(after);
        else await tx.schedules.delete(group, name);
        return { outcome, run, retryAtMs: after?.retry?.atMs, deleted: after === undefined };
      }),
    );
    if (!done) return undefined;
    const { outcome, run, retryAtMs, deleted } = done;
    logger[outcome.failure ? "warn" : "info"](
      { schedule: `${group}/${name}`, due: new Date(run.dueMs).toISOString(), attempt: run.attempt, tasks: outcome.taskArns, failure: outcome.failure, retryAt: retryAtMs && new Date(retryAtMs).toISOString(), deleted },
      "schedules: schedule invoked",
    );
    return outcome.taskArns.length;
  }

  /** One rule's due run, if it is still due as the write sees it; returns how many tasks it started, or undefined when it was not due. */
  private async runOne(name: string, nowMs: number): Promise<number | undefined> {
    const { planner, store, logger } = this.opts;
    const outcomes = await planner.retrying(() =>
      store.write(async (tx) => {
        const rule = await tx.eventRules.get(name);
        const run = rule && dueRun(rule, nowMs);
        if (!rule || !run) return undefined;
        const outcomes: TargetOutcome[] = [];
        for (const t of rule.targets) outcomes.push(await invokeTarget(tx, { planner, partition: this.opts.partition, nowMs }, rule.name, t));
        await tx.eventRules.put(afterRun(rule, run, outcomes, nowMs));
        return { outcomes, dueMs: run.dueMs };
      }),
    );
    if (!outcomes) return undefined;
    const failed = outcomes.outcomes.filter((o) => o.failure !== undefined);
    // A failed invocation is the rule's problem to see (EventBridge's FailedInvocations): warn.
    logger[failed.length > 0 ? "warn" : "info"]({ rule: name, due: new Date(outcomes.dueMs).toISOString(), tasks: outcomes.outcomes.flatMap((o) => o.taskArns), failedInvocations: failed.length, failures: failed.map((f) => f.failure) }, "schedules: rule invoked");
    return outcomes.outcomes.reduce((n, o) => n + o.taskArns.length, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.timer);
    await this.running;
  }
}
