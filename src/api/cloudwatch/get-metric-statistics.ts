import { AwsError } from "../../errors/catalog.js";
import { metricId } from "../../domain/metrics/series.js";
import { offeredPercentiles, percentileNamed, percentileValue, statistic, statisticNames, type PercentileName, type PeriodDistribution, type StatisticName } from "../../domain/metrics/statistics.js";
import type { CloudWatchDeps } from "./deps.js";
import { dimensionsOf, namespaceOf, optUnit } from "./metric-params.js";
import { invalid, missing, optInt, optStrings, reqString, reqTime, type Params } from "./read.js";
import type { CloudWatchOperation } from "./operation.js";
import { asQueryMap } from "../aws-query/xml.js";

const maxDatapoints = 1440;

/**
 * GetMetricStatistics: the requested statistics of one metric per period, oldest first, and its
 * percentiles (ExtendedStatistics) where its values came with their distribution.
 */
export function getMetricStatistics(deps: CloudWatchDeps): CloudWatchOperation {
  return {
    name: "GetMetricStatistics",
    async handle(p) {
      const metric = metricId(namespaceOf(p), reqString(p, "MetricName", 255), dimensionsOf(p, "Dimensions", true));
      const { startMs, endMs } = timeRange(p);
      const periodMs = periodOf(p, "Period");
      const extended = (optStrings(p, "ExtendedStatistics", 10) ?? []).map((n) => {
        const s = percentileNamed(n);
        if (s === undefined) throw invalid("ExtendedStatistics", n, `Berth offers ${offeredPercentiles}.`);
        return s;
      });
      const stats = statisticsOf(p, extended.length > 0);
      const unit = optUnit(p);
      const count = Math.ceil((endMs - startMs) / periodMs);
      if (count > maxDatapoints) {
        throw new AwsError("InvalidParameterCombinationException", `You have requested up to ${count} datapoints, which exceeds the limit of ${maxDatapoints}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`);
      }
      const [periods, distributions] = await deps.store.read((tx) =>
        Promise.all([tx.metrics.periods(metric, startMs, endMs, periodMs), extended.length > 0 ? tx.metrics.distributions(metric, startMs, endMs, periodMs) : []]),
      );
      const percentiles = new Map(distributions.map((d) => [d.timestampMs, percentilesOf(d, extended)]));
      const datapoints = periods
        .filter((d) => unit === undefined || d.unit === unit)
        .map((d) => ({
          Timestamp: new Date(d.timestampMs),
          ...Object.fromEntries(stats.map((s) => [s, statistic(d, s)])),
          ...(extended.length > 0 && percentiles.has(d.timestampMs) && { ExtendedStatistics: percentiles.get(d.timestampMs) }),
          Unit: d.unit,
        }));
      return { Label: metric.metricName, Datapoints: datapoints };
    },
  };
}

export function timeRange(p: Params): { startMs: number; endMs: number } {
  const startMs = reqTime(p, "StartTime");
  const endMs = reqTime(p, "EndTime");
  if (endMs <= startMs) throw new AwsError("InvalidParameterValueException", "The parameter StartTime must be less than the parameter EndTime.");
  return { startMs, endMs };
}

/** A period in seconds: Berth keeps one-minute data, so a multiple of 60. */
export function periodOf(p: Params, name: string): number {
  const s = optInt(p, name, 1, 31_536_000);
  if (s === undefined) throw missing(name);
  if (s % 60 !== 0) throw invalid(name, String(s), "Berth keeps one-minute resolution: the period must be a multiple of 60 seconds.");
  return s * 1000;
}

/** A period's percentiles, by name (the answer's ExtendedStatistics map). */
function percentilesOf(d: PeriodDistribution, names: readonly PercentileName[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of names) {
    const v = percentileValue(d, name);
    if (v !== undefined) out[name] = v;
  }
  return asQueryMap(out);
}

function statisticsOf(p: Params, extended: boolean): StatisticName[] {
  const names = optStrings(p, "Statistics", 5) ?? [];
  if (names.length === 0 && !extended) throw new AwsError("MissingRequiredParameterException", "Must specify either Statistics or ExtendedStatistics.");
  return names.map((n) => {
    const s = statisticNames.find((x) => x === n);
    if (!s) throw invalid("Statistics", n, `It must be one of: ${statisticNames.join(", ")}.`);
    return s;
  });
}
