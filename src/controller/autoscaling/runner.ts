import type { Logger } from "pino";
import { decidePolicy, decideScheduled } from "../../domain/autoscaling/decide.js";
import type { ScheduledActionRecord } from "../../domain/autoscaling/records.js";
import { parseServiceResourceId } from "../../domain/autoscaling/resource-id.js";
import type { AlarmRecord } from "../../domain/metrics/alarm.js";
import { nextScheduledTime, parseSchedulerExpression } from "../../domain/schedules/scheduler-expression.js";
import type { Store } from "../../state/store.js";
import { applyCapacity } from "./scale-service.js";

export interface AutoScalingRunnerOptions {
  readonly store: Store;
  readonly now: () => number;
  readonly logger: Logger;
  /** How often due scheduled actions are looked for. */
  readonly tickMs: number;
  readonly newId: () => string;
}

/** The newest evaluated period of an alarm and its statistic (undefined: no data). */
export interface EvaluatedPeriod {
  readonly startMs: number;
  readonly value: number | undefined;
}

const isPolicyArn = (arn: string) => /^arn:aws:autoscaling:[^:]*:\d{12}:scalingPolicy:/.test(arn);

/**
 * Application Auto Scaling's effects: runs the scaling policies that alarms name as actions (once
 * per evaluated period while the alarm stays in the state, as CloudWatch repeats an Auto Scaling
 * action each period), and the scheduled actions when due. Each run is one write that re-reads what
 * it decides on, decides with the pure rules of domain/autoscaling/, and changes the service's
 * desired count as UpdateService does (scale-service.ts). Work is serialised on one chain.
 */
export class AutoScalingRunner {
  private timer?: NodeJS.Timeout;
  private work: Promise<void> = Promise.resolve();
  /** alarm name → the period whose actions ran last (forgotten when the alarm leaves that state). */
  private readonly fired = new Map<string, string>();

  constructor(private readonly opts: AutoScalingRunnerOptions) {}

  start(): void {
    this.timer = setInterval(() => this.enqueue(() => this.runDueScheduledActions()), this.opts.tickMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.work;
  }

  /** Told by the alarm evaluator after each evaluation of an alarm (its state after it). */
  alarmEvaluated(alarm: AlarmRecord, newest: EvaluatedPeriod | undefined): void {
    const actions = !alarm.actionsEnabled ? [] : alarm.state === "ALARM" ? alarm.alarmActions : alarm.state === "OK" ? alarm.okActions : alarm.insufficientDataActions;
    const policies = actions.filter(isPolicyArn);
    const key = `${alarm.state}@${newest?.startMs ?? ""}`;
    if (policies.length === 0 || !newest || this.fired.get(alarm.name) === key) return;
    this.fired.set(alarm.name, key);
    for (const arn of policies) this.enqueue(() => this.runPolicy(arn, alarm, newest));
  }

  /** Waits for the work queued so far (tests). */
  idle(): Promise<void> {
    return this.work;
  }

  private enqueue(fn: () => Promise<void>): void {
    this.work = this.work.then(fn).catch((err: unknown) => this.opts.logger.error({ err }, "auto scaling: a run failed"));
  }

  private async runPolicy(policyArn: string, alarm: AlarmRecord, newest: EvaluatedPeriod): Promise<void> {
    const nowMs = this.opts.now();
    const outcome = await this.opts.store.write(async (tx) => {
      const policy = await tx.autoScaling.policyByArn(policyArn);
      const target = policy && (await tx.autoScaling.target(policy.resourceId, policy.dimension));
      const ref = policy && parseServiceResourceId(policy.resourceId);
      const service = ref && (await tx.services.get(ref.cluster, ref.service));
      if (!policy || !target || !service) return { policy: policyArn, skipped: "the policy, its target or its service is gone" };
      const decision = decidePolicy(target, policy, service.desiredCount, { name: alarm.name, state: alarm.state, threshold: alarm.threshold, value: newest.value }, nowMs);
      if (decision.kind === "none") return { policy: policy.name, skipped: decision.reason };
      const activity = await applyCapacity(tx, { target, capacity: decision.capacity, cause: decision.cause, direction: decision.direction, nowMs, newId: this.opts.newId });
      return { policy: policy.name, activity: activity.description, status: activity.status };
    });
    this.opts.logger.info({ alarm: alarm.name, ...outcome }, "auto scaling: policy run");
  }

  /** Runs the scheduled actions due now (each tick; tests call it directly). */
  async runDueScheduledActions(): Promise<void> {
    const nowMs = this.opts.now();
    const due = await this.opts.store.read((tx) => tx.autoScaling.dueScheduledActions(nowMs, 100));
    for (const action of due) await this.runScheduledAction(action, nowMs);
  }

  private async runScheduledAction(seen: ScheduledActionRecord, nowMs: number): Promise<void> {
    const ran = await this.opts.store.write(async (tx) => {
      const action = await tx.autoScaling.scheduledAction(seen.resourceId, seen.dimension, seen.name);
      // Changed or deleted since it was read: the next tick sees it afresh.
      if (!action || action.nextDueMs !== seen.nextDueMs || action.nextDueMs === undefined) return undefined;
      const expression = parseSchedulerExpression(action.schedule);
      const nextDueMs = "invalid" in expression ? undefined : nextScheduledTime({ expression, zone: action.timezone ?? "UTC", anchorMs: action.createdAtMs, startMs: action.startMs, endMs: action.endMs }, Math.max(nowMs, action.nextDueMs));
      await tx.autoScaling.putScheduledAction({ ...action, nextDueMs });
      const target = await tx.autoScaling.target(action.resourceId, action.dimension);
      if (!target || target.suspended.scheduledScalingSuspended) return { action: action.name, skipped: target ? "scheduled scaling is suspended" : "no scalable target" };
      const ref = parseServiceResourceId(action.resourceId);
      const service = ref && (await tx.services.get(ref.cluster, ref.service));
      const change = decideScheduled(target, action, service?.desiredCount ?? 0);
      const activity = await applyCapacity(tx, {
        target: { ...target, minCapacity: change.minCapacity, maxCapacity: change.maxCapacity },
        capacity: change.capacity,
        cause: change.cause,
        description: change.description,
        nowMs,
        newId: this.opts.newId,
      });
      return { action: action.name, activity: activity.description, status: activity.status };
    });
    if (ran) this.opts.logger.info(ran, "auto scaling: scheduled action run");
  }
}
