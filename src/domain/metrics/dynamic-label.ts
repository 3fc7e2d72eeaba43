import type { Partition } from "../arn.js";
import type { StatQuery } from "./queries.js";

/** What a label's dynamic values are drawn from: a metric, read at a statistic and period. */
export type LabeledMetric = Pick<StatQuery, "metric" | "periodMs" | "stat">;

/**
 * CloudWatch's dynamic labels that a metric's own properties give, expanded in a GetMetricData
 * result's label: `${PROP('Dim.<name>')}` (the dimension's value; empty for a dimension the
 * metric lacks), `${PROP('MetricName')}`, `${PROP('Namespace')}`, `${PROP('Period')}` (seconds),
 * `${PROP('Stat')}`, `${PROP('AccountId')}`, `${PROP('Region')}`, and `${LABEL}` (the default
 * label: the metric's name, or a search's series' own). The values drawn from the datapoints
 * (`${AVG}`, `${MAX}`, `${LAST_TIME}`, …), whose format CloudWatch does not document, are left as
 * written.
 */
export function expandLabel(label: string, q: LabeledMetric, partition: Partition, defaultLabel = q.metric.metricName): string {
  if (!label.includes("${")) return label;
  const props: Readonly<Record<string, string>> = {
    MetricName: q.metric.metricName,
    Namespace: q.metric.namespace,
    Period: String(q.periodMs / 1000),
    Stat: q.stat,
    AccountId: partition.accountId,
    Region: partition.region,
  };
  return label.replace(/\$\{(?:PROP\('([^']*)'\)|LABEL)\}/g, (whole, prop: string | undefined) => {
    if (prop === undefined) return defaultLabel;
    if (prop.startsWith("Dim.")) return q.metric.dimensions.find((d) => d.name === prop.slice(4))?.value ?? "";
    return Object.hasOwn(props, prop) ? props[prop]! : whole;
  });
}
