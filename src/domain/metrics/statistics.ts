import type { MinuteAggregate } from "./series.js";
import { mergeSketches, percentile, percentileOf, sketchCount, type Sketch } from "./sketch.js";

export const statisticNames = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"] as const;
export type StatisticName = (typeof statisticNames)[number];

/** A percentile statistic's name: `p99`, `p99.9`, `p50` (CloudWatch's extended statistics Berth offers). */
export type PercentileName = `p${string}`;

/** A statistic CloudWatch computes from a metric's data: from its sums, counts and extremes, or a percentile from its distribution. */
export type Stat = StatisticName | PercentileName;

/** A statistic's name as given, or undefined for one Berth does not compute (tm99, IQM, …). */
export function statOf(name: string): Stat | undefined {
  return statisticNames.find((x) => x === name) ?? percentileNamed(name);
}

export const isPercentile = (s: Stat): s is PercentileName => percentileOf(s) !== undefined;

/** An ExtendedStatistic's name, when it is a percentile (the only extended statistics Berth computes). */
export const percentileNamed = (name: string): PercentileName | undefined => (percentileOf(name) === undefined ? undefined : (name as PercentileName));

/** What Berth offers, for messages that refuse another statistic. */
export const offeredPercentiles = "percentiles: p0 to p100, such as p99 or p99.9";
export const offeredStatistics = `${statisticNames.join(", ")} or ${offeredPercentiles}`;

/** One period of one metric: what GetMetricStatistics answers as a datapoint. */
export interface PeriodAggregate {
  /** The period's start, epoch milliseconds. */
  readonly timestampMs: number;
  readonly sum: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly unit: string;
}

/**
 * Folds minute aggregates into periods of `periodMs` (a multiple of a minute), each period
 * starting at a multiple of its length since the epoch, as CloudWatch aligns them; only minutes in
 * [startMs, endMs) count. Periods without data are absent. Ordered by time.
 */
export function periods(minutes: readonly MinuteAggregate[], periodMs: number, startMs: number, endMs: number): PeriodAggregate[] {
  const byStart = new Map<number, PeriodAggregate>();
  for (const m of minutes) {
    if (m.minuteMs < startMs || m.minuteMs >= endMs) continue;
    const t = Math.floor(m.minuteMs / periodMs) * periodMs;
    const was = byStart.get(t);
    byStart.set(
      t,
      was
        ? { timestampMs: t, sum: was.sum + m.sum, count: was.count + m.count, min: Math.min(was.min, m.min), max: Math.max(was.max, m.max), unit: m.unit }
        : { timestampMs: t, sum: m.sum, count: m.count, min: m.min, max: m.max, unit: m.unit },
    );
  }
  return [...byStart.values()].sort((a, b) => a.timestampMs - b.timestampMs);
}

/** The value of one statistic over a period. */
export function statistic(p: Pick<PeriodAggregate, "sum" | "count" | "min" | "max">, name: StatisticName): number {
  switch (name) {
    case "SampleCount":
      return p.count;
    case "Sum":
      return p.sum;
    case "Minimum":
      return p.min;
    case "Maximum":
      return p.max;
    case "Average":
      return p.count === 0 ? 0 : p.sum / p.count;
  }
}

/** One period's distribution of values (percentiles), with its extremes and unit. */
export interface PeriodDistribution {
  readonly timestampMs: number;
  readonly sketch: Sketch;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly unit: string;
}

/**
 * Folds minutes with their sketches into periods of `periodMs`, as `periods` aligns them; a
 * period any of whose minutes counts more values than its sketch (some came as a statistic set)
 * has no distribution. Ordered by time.
 */
export function distributionPeriods(minutes: readonly (Pick<MinuteAggregate, "minuteMs" | "count" | "min" | "max" | "unit"> & { readonly sketch: Sketch | undefined })[], periodMs: number): PeriodDistribution[] {
  const byStart = new Map<number, PeriodDistribution | null>();
  for (const m of minutes) {
    const t = Math.floor(m.minuteMs / periodMs) * periodMs;
    const was = byStart.get(t);
    if (was === null) continue;
    if (!m.sketch || Math.abs(sketchCount(m.sketch) - m.count) > 1e-9 * Math.max(1, m.count)) {
      byStart.set(t, null);
      continue;
    }
    byStart.set(
      t,
      was
        ? { timestampMs: t, sketch: mergeSketches(was.sketch, m.sketch), count: was.count + m.count, min: Math.min(was.min, m.min), max: Math.max(was.max, m.max), unit: m.unit }
        : { timestampMs: t, sketch: m.sketch, count: m.count, min: m.min, max: m.max, unit: m.unit },
    );
  }
  return [...byStart.values()].filter((d): d is PeriodDistribution => d !== null).sort((a, b) => a.timestampMs - b.timestampMs);
}

/** A percentile of a period's distribution. */
export const percentileValue = (d: PeriodDistribution, stat: PercentileName): number | undefined => percentile(d.sketch, percentileOf(stat)!, d.min, d.max);

/**
 * How many values a percentile needs to say something (EvaluateLowSampleCountPercentile):
 * 1/(1 − p) above the median (p99: 100, p50: 2), 1/p below it (p1: 100); other statistics need one.
 */
export function significantCount(stat: Stat): number {
  const p = percentileOf(stat);
  if (p === undefined) return 1;
  const q = Math.max(p, 100 - p) / 100;
  return q >= 1 ? 1 : Math.ceil(1 / (1 - q) - 1e-9);
}
