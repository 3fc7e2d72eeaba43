import type { MetricId, MinuteAggregate } from "../domain/metrics/series.js";
import type { PeriodColumns } from "../domain/metrics/period-columns.js";
import type { PeriodAggregate, PeriodDistribution } from "../domain/metrics/statistics.js";

/** A metric the store has data for, and the newest minute it has. */
export interface StoredMetric {
  readonly metric: MetricId;
  readonly lastMinuteMs: number;
}

export interface MetricQuery {
  readonly namespace?: string | undefined;
  readonly metricName?: string | undefined;
  /** Metrics carrying every one of these dimensions (a value undefined: any value of that name). */
  readonly dimensions?: readonly { readonly name: string; readonly value?: string | undefined }[] | undefined;
  /** Only metrics with data at or after this minute. */
  readonly sinceMs?: number | undefined;
  /** The metric's key (the store's order) after which to start. */
  readonly after?: string | undefined;
  readonly limit: number;
}

export interface MetricReader {
  /** The minutes of one metric in [fromMs, toMs), oldest first. */
  minutes(metric: MetricId, fromMs: number, toMs: number): Promise<MinuteAggregate[]>;
  /**
   * The minutes of one metric in [fromMs, toMs) folded into periods of `periodMs` aligned on
   * multiples of it (domain/metrics/statistics.ts `periods`, computed by the store), oldest first.
   */
  periods(metric: MetricId, fromMs: number, toMs: number, periodMs: number): Promise<PeriodAggregate[]>;
  /** The same as `periods`, as columns (no object per period): for reads of many metrics. */
  periodColumns(metric: MetricId, fromMs: number, toMs: number, periodMs: number): Promise<PeriodColumns>;
  /**
   * The distributions of one metric's periods in [fromMs, toMs), for percentiles, oldest first
   * (domain/metrics/statistics.ts `distributionPeriods`): a period with a value that came
   * without its distribution (a statistic set) has none.
   */
  distributions(metric: MetricId, fromMs: number, toMs: number, periodMs: number): Promise<PeriodDistribution[]>;
  /** Metrics matching the query in key order, with the key to continue after. */
  list(q: MetricQuery): Promise<{ items: StoredMetric[]; next?: string | undefined }>;
}

export interface MetricRepository extends MetricReader {
  /** Adds the aggregates to what is stored for their metrics and minutes (sums, counts, extremes, distributions). */
  add(points: readonly MinuteAggregate[]): Promise<void>;
  /** Drops minutes older than `beforeMs`; returns how many. */
  prune(beforeMs: number): Promise<number>;
}
