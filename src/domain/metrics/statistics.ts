import type { MinuteAggregate } from "./series.js";

export const statisticNames = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"] as const;
export type StatisticName = (typeof statisticNames)[number];

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
