import { AwsError } from "../../errors/catalog.js";
import { minuteOf, type MinuteAggregate } from "../../domain/metrics/series.js";
import { sketchOf } from "../../domain/metrics/sketch.js";
import type { CloudWatchDeps } from "./deps.js";
import { dimensionsOf, namespaceOf, optUnit } from "./metric-params.js";
import { metricId } from "../../domain/metrics/series.js";
import { invalid, missing, optList, optNumber, optNumbers, optStruct, optTime, reqString, type Params } from "./read.js";
import type { CloudWatchOperation } from "./operation.js";

const pastLimitMs = 14 * 24 * 3_600_000;
const futureLimitMs = 2 * 3_600_000;

/**
 * PutMetricData: each datum (a Value, Values with Counts, or StatisticValues) added to its metric's
 * minute. As CloudWatch, namespaces beginning `AWS/` are refused (they are AWS's own), and
 * timestamps must be within two weeks past and two hours ahead.
 */
export function putMetricData(deps: CloudWatchDeps): CloudWatchOperation {
  return {
    name: "PutMetricData",
    async handle(p, ctx) {
      const namespace = namespaceOf(p);
      if (namespace.startsWith("AWS/")) throw invalid("Namespace", namespace, "The namespace AWS/ is reserved for AWS's own metrics.");
      const data = optList(p, "MetricData", 1000);
      if (!data || data.length === 0) throw missing("MetricData");
      const points = data.map((d, i) => datum(d, i + 1, namespace, ctx.nowMs));
      await deps.store.write((tx) => tx.metrics.add(points));
      return {};
    },
  };
}

function datum(d: Params, n: number, namespace: string, nowMs: number): MinuteAggregate {
  const at = `MetricData.member.${n}`;
  const metric = metricId(namespace, reqString(d, "MetricName", 255), dimensionsOf(d, "Dimensions", true));
  const t = optTime(d, "Timestamp") ?? nowMs;
  if (t < nowMs - pastLimitMs || t > nowMs + futureLimitMs) {
    throw invalid(`${at}.Timestamp`, new Date(t).toISOString(), "The timestamp must be within the last two weeks and the next two hours.");
  }
  const unit = optUnit(d) ?? "None";
  const value = checkedValue(optNumber(d, "Value"), `${at}.Value`);
  const stats = optStruct(d, "StatisticValues");
  const values = optNumbers(d, "Values", 150)?.map((v, i) => checkedValue(v, `${at}.Values.member.${i + 1}`)!);
  const given = [value !== undefined, stats !== undefined, values !== undefined].filter(Boolean).length;
  if (given !== 1) {
    throw new AwsError("InvalidParameterCombinationException", `${at} must have exactly one of Value, StatisticValues or Values.`);
  }
  const base = { metric, minuteMs: minuteOf(t), unit };
  // Values given one by one keep their distribution (percentiles); a statistic set cannot.
  if (value !== undefined) return { ...base, sum: value, count: 1, min: value, max: value, sketch: sketchOf([value]) };
  if (stats) {
    const [count, sum, min, max] = (["SampleCount", "Sum", "Minimum", "Maximum"] as const).map((k) => {
      const v = checkedValue(optNumber(stats, k), `${at}.StatisticValues.${k}`);
      if (v === undefined) throw missing(`${at}.StatisticValues.${k}`);
      return v;
    }) as [number, number, number, number];
    if (count <= 0 || min > max) throw invalid(`${at}.StatisticValues`, { count, min, max }, "SampleCount must be positive and Minimum at most Maximum.");
    return { ...base, sum, count, min, max };
  }
  const counts = optNumbers(d, "Counts", 150) ?? values!.map(() => 1);
  if (counts.length !== values!.length) throw new AwsError("InvalidParameterCombinationException", `${at}: Counts must have as many members as Values.`);
  if (values!.length === 0) throw missing(`${at}.Values`);
  return {
    ...base,
    sum: values!.reduce((s, v, i) => s + v * counts[i]!, 0),
    count: counts.reduce((a, b) => a + b, 0),
    min: Math.min(...values!),
    max: Math.max(...values!),
    sketch: sketchOf(values!, counts),
  };
}

/** CloudWatch's range for a value: 0, or a magnitude from 2^-360 to 2^360 (it rejects values too small or too large). */
function checkedValue(v: number | undefined, name: string): number | undefined {
  if (v === undefined || v === 0) return v;
  const magnitude = Math.abs(v);
  if (magnitude > 2 ** 360 || magnitude < 2 ** -360) throw invalid(name, v, "Values must be 0 or within -2^360 to -2^-360 or 2^-360 to 2^360.");
  return v;
}
