import type { MetricId } from "../domain/metrics/series.js";
import { isPercentile, percentileValue, statistic, type Stat } from "../domain/metrics/statistics.js";
import type { MetricReader } from "./metric-records.js";

/**
 * One statistic of each period of a metric in [fromMs, toMs), by the period's start: from the
 * store's sums, counts and extremes, or a percentile from its distributions (periods without one
 * are absent, and those of fewer than `minCount` values). Only the periods of `unit` when one is
 * asked for.
 */
export async function statisticByPeriod(metrics: MetricReader, metric: MetricId, stat: Stat, unit: string | undefined, fromMs: number, toMs: number, periodMs: number, minCount = 0): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (isPercentile(stat)) {
    for (const d of await metrics.distributions(metric, fromMs, toMs, periodMs)) {
      const v = (unit === undefined || d.unit === unit) && d.count >= minCount ? percentileValue(d, stat) : undefined;
      if (v !== undefined) out.set(d.timestampMs, v);
    }
    return out;
  }
  for (const p of await metrics.periods(metric, fromMs, toMs, periodMs)) if (unit === undefined || p.unit === unit) out.set(p.timestampMs, statistic(p, stat));
  return out;
}
