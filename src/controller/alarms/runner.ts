import type { Logger } from "pino";
import { evaluateAlarm, evaluationRange, type AlarmRecord } from "../../domain/metrics/alarm.js";
import { evaluateQueries, QueryError, returnedValue, type MetricQuery, type StatQuery } from "../../domain/metrics/queries.js";
import { significantCount } from "../../domain/metrics/statistics.js";
import { statisticByPeriod } from "../../state/metric-statistics.js";
import type { Store } from "../../state/store.js";
import { stateUpdate } from "../../domain/metrics/alarm-history.js";

export interface AlarmEvaluatorOptions {
  readonly store: Store;
  readonly now: () => number;
  readonly logger: Logger;
  /** How often every alarm is evaluated (CloudWatch: every minute). */
  readonly tickMs: number;
  /** Told of each state change after it is committed (alarm actions: auto scaling's step policies). */
  readonly onTransition?: (alarm: AlarmRecord, from: AlarmRecord["state"]) => void;
  /** Told after every evaluation: the alarm as it stands and its newest period with data, if any (alarm actions: auto scaling). */
  readonly onEvaluated?: (alarm: AlarmRecord, newest: { readonly startMs: number; readonly value: number | undefined } | undefined) => void;
}

/**
 * Evaluates every metric alarm each tick: the statistic of its N most recent complete periods from
 * the metric store (for a metric math alarm, its metrics' and then its expressions' values), the
 * pure rule of domain/metrics/alarm.ts, and on a change of state one write
 * that saves the alarm (only if nobody changed it since it was read) and its history entry.
 */
export class AlarmEvaluator {
  private timer?: NodeJS.Timeout;
  private ticking: Promise<void> = Promise.resolve();

  constructor(private readonly opts: AlarmEvaluatorOptions) {}

  start(): void {
    this.timer = setInterval(() => {
      this.ticking = this.ticking.then(() => this.tick()).catch((err: unknown) => this.opts.logger.error({ err }, "alarms: an evaluation round failed"));
    }, this.opts.tickMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }

  /** A single-metric alarm's statistic by period start. */
  private async metricValues(alarm: AlarmRecord, from: number, to: number, periodMs: number): Promise<(startMs: number) => number | undefined> {
    const metric = alarm.metric;
    const stat = alarm.statistic ?? "Average";
    // EvaluateLowSampleCountPercentile=ignore: a period with too few values for its percentile counts as missing.
    const minCount = alarm.lowSampleCount === "ignore" ? significantCount(stat) : 0;
    const byStart = metric ? await this.opts.store.read((tx) => statisticByPeriod(tx.metrics, metric, stat, alarm.unit, from, to, periodMs, minCount)) : new Map<number, number>();
    return (startMs) => byStart.get(startMs);
  }

  /** A metric math alarm's returned series (or constant) by period start; nothing when its queries no longer evaluate. */
  private async mathValues(alarm: AlarmRecord, queries: readonly MetricQuery[], from: number, to: number): Promise<(startMs: number) => number | undefined> {
    const stats = queries.filter((q): q is StatQuery => q.kind === "stat");
    const series = await this.opts.store.read((tx) => Promise.all(stats.map((q) => statisticByPeriod(tx.metrics, q.metric, q.stat, q.unit, from, to, q.periodMs))));
    try {
      const v = returnedValue(queries, evaluateQueries(queries, new Map(stats.map((q, i) => [q.id, series[i]!]))));
      if (v?.kind === "scalar") return () => v.value;
      // An alarm's queries hold no SEARCH (checkAlarmQueries), so never an array.
      return (startMs) => (v?.kind === "series" ? v.points.get(startMs) : undefined);
    } catch (err) {
      if (!(err instanceof QueryError)) throw err;
      this.opts.logger.warn({ alarm: alarm.name, err: err.message }, "alarms: a metric math alarm's queries do not evaluate");
      return () => undefined;
    }
  }

  /** One round over every alarm. */
  async tick(): Promise<void> {
    let after: string | undefined;
    do {
      const page = await this.opts.store.read((tx) => tx.alarms.list({ after, limit: 500 }));
      for (const alarm of page.items) await this.evaluate(alarm);
      after = page.next;
    } while (after);
  }

  private async evaluate(alarm: AlarmRecord): Promise<void> {
    const nowMs = this.opts.now();
    const starts = evaluationRange(alarm, nowMs);
    const periodMs = alarm.periodSeconds * 1000;
    const from = starts[0]!;
    const to = starts[starts.length - 1]! + periodMs;
    const value = alarm.queries ? await this.mathValues(alarm, alarm.queries, from, to) : await this.metricValues(alarm, from, to, periodMs);
    const range = starts.map((startMs) => ({ startMs, value: value(startMs) }));
    const newest = range.findLast((p) => p.value !== undefined);
    const result = evaluateAlarm(alarm, range);
    if (!result || result.state === alarm.state) {
      this.opts.onEvaluated?.(alarm, newest);
      return;
    }
    const next: AlarmRecord = { ...alarm, state: result.state, stateReason: result.reason, stateReasonData: result.reasonData, stateUpdatedAtMs: nowMs, stateTransitionedAtMs: nowMs };
    const saved = await this.opts.store.write(async (tx) => {
      const current = await tx.alarms.get(alarm.name);
      // Changed since it was read (PutMetricAlarm, SetAlarmState, deleted): the next round decides afresh.
      if (!current || current.configuredAtMs !== alarm.configuredAtMs || current.stateUpdatedAtMs !== alarm.stateUpdatedAtMs) return false;
      await tx.alarms.put(next);
      await tx.alarms.addHistory(stateUpdate(next, alarm.state, nowMs));
      return true;
    });
    if (saved) {
      this.opts.logger.info({ alarm: alarm.name, from: alarm.state, to: next.state }, "alarm state changed");
      this.opts.onTransition?.(next, alarm.state);
      this.opts.onEvaluated?.(next, newest);
    }
  }
}

