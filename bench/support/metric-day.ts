/**
 * The day of metrics the GetMetricData benchmarks read (issue 13, acceptance 4): one-minute
 * CPUUtilization of N services of cluster `bench`, as the collector would have written it, and the
 * GetMetricData queries over it (Average per 5 minutes, 288 datapoints a metric-day).
 */
import { metricId, type MetricId, type MinuteAggregate } from "../../src/domain/metrics/series.js";
import type { Store } from "../../src/state/store.js";

export const dayMs = 86_400_000;

/** Service i's CPUUtilization. */
export const serviceCpu = (i: number): MetricId => metricId("AWS/ECS", "CPUUtilization", [{ name: "ClusterName", value: "bench" }, { name: "ServiceName", value: `svc-${i}` }]);

/** Writes the day before `endMs` of `services` services' CPUUtilization, 20 services a write. */
export async function seedServiceDay(store: Pick<Store, "write">, services: number, endMs: number): Promise<void> {
  for (let i = 0; i < services; i += 20) {
    const batch: MinuteAggregate[] = [];
    for (let s = i; s < Math.min(services, i + 20); s++) {
      const m = serviceCpu(s);
      for (let t = endMs - dayMs; t < endMs; t += 60_000) {
        const v = 20 + ((s * 7 + t / 60_000) % 60);
        batch.push({ metric: m, minuteMs: t, sum: v * 3, count: 3, min: v - 5, max: v + 5, unit: "Percent" });
      }
    }
    await store.write((tx) => tx.metrics.add(batch));
  }
}

/** GetMetricData's MetricDataQueries for services [from, from + count): each one's Average per 5 minutes. */
export function dayQueries(from: number, count: number) {
  return Array.from({ length: count }, (_, k) => {
    const m = serviceCpu(from + k);
    return { Id: `m${from + k}`, MetricStat: { Metric: { Namespace: m.namespace, MetricName: m.metricName, Dimensions: m.dimensions.map((d) => ({ Name: d.name, Value: d.value })) }, Period: 300, Stat: "Average" } };
  });
}
