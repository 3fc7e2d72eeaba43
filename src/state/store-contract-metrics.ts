import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { metricId, type MetricId } from "../domain/metrics/series.js";
import { percentile, sketchCount, sketchOf } from "../domain/metrics/sketch.js";
import { periods } from "../domain/metrics/statistics.js";
import type { MetricQuery } from "./metric-records.js";
import type { Store } from "./store.js";
import { withNewStore } from "./store-contract-open.js";

const point = (metric: MetricId, minuteMs: number, value: number) => ({ metric, minuteMs, sum: value, count: 1, min: value, max: value, unit: "Percent" });
const web = metricId("AWS/ECS", "CPUUtilization", [{ name: "ClusterName", value: "c" }, { name: "ServiceName", value: "web" }]);
const api = metricId("AWS/ECS", "CPUUtilization", [{ name: "ClusterName", value: "c" }, { name: "ServiceName", value: "api" }]);
const cluster = metricId("AWS/ECS", "CPUUtilization", [{ name: "ClusterName", value: "c" }]);
const custom = metricId("App", "Orders");
const five = 300_000;
const hour = 3_600_000;

/** The metric repository's behaviour, for every Store: `open()` gives a new, empty store. */
export function metricsContract(name: string, open: () => Promise<Store>): void {
  const withStore = withNewStore(open);

  describe(`the metric repository: ${name}`, () => {
    it("adds batches of one minute into one row, and reads minutes in a range", () =>
      withStore(async (store) => {
        await store.write((tx) => tx.metrics.add([point(web, 0, 10), point(web, 60_000, 50)]));
        await store.write((tx) => tx.metrics.add([point(web, 0, 30)]));
        const minutes = await store.read((tx) => tx.metrics.minutes(web, 0, 60_000));
        assert.deepEqual(minutes.map((m) => [m.minuteMs, m.sum, m.count, m.min, m.max]), [[0, 40, 2, 10, 30]]);
      }));

    it("adds a minute reported several times in one batch point by point, the last unit winning", () =>
      withStore(async (store) => {
        await store.write((tx) => tx.metrics.add([point(web, 0, 10), point(api, 0, 1), { ...point(web, 0, 30), unit: "Count" }, point(web, 0, 20)]));
        const minutes = await store.read((tx) => tx.metrics.minutes(web, 0, hour));
        assert.deepEqual(minutes.map((m) => [m.minuteMs, m.sum, m.count, m.min, m.max, m.unit]), [[0, 60, 3, 10, 30, "Percent"]]);
        assert.deepEqual(await store.read((tx) => tx.metrics.periods(web, 0, hour, five)), [{ timestampMs: 0, sum: 60, count: 3, min: 10, max: 30, unit: "Percent" }]);
        assert.deepEqual(await store.read((tx) => tx.metrics.minutes(custom, 0, hour)), []);
        assert.deepEqual(await store.read((tx) => tx.metrics.periods(custom, 0, hour, five)), []);
        assert.equal((await store.read((tx) => tx.metrics.periodColumns(custom, 0, hour, five))).length, 0);
      }));

    it("keeps each minute's distribution, merged across batches and within one; a minute with a statistic set has none; prunes them with the minutes", () =>
      withStore(async (store) => {
        const values = (metric: MetricId, minuteMs: number, xs: number[]) => ({ ...point(metric, minuteMs, 0), sum: xs.reduce((a, b) => a + b, 0), count: xs.length, min: Math.min(...xs), max: Math.max(...xs), sketch: sketchOf(xs) });
        await store.write((tx) => tx.metrics.add([values(web, 0, [1, 2, 3]), values(web, 0, [4]), values(web, 60_000, [100])]));
        await store.write((tx) => tx.metrics.add([values(web, 60_000, [200]), values(web, 120_000, [5]), { ...point(web, 120_000, 7) }]));
        const d = await store.read((tx) => tx.metrics.distributions(web, 0, hour, 60_000));
        assert.deepEqual(d.map((x) => [x.timestampMs, x.count, sketchCount(x.sketch), x.min, x.max]), [[0, 4, 4, 1, 4], [60_000, 2, 2, 100, 200]], "minute 2 has a value without a distribution");
        assert.equal(percentile(d[1]!.sketch, 100, d[1]!.min, d[1]!.max), 200);
        const five = await store.read((tx) => tx.metrics.distributions(web, 0, hour, 300_000));
        assert.deepEqual(five, [], "the five minutes hold minute 2");
        const both = await store.read((tx) => tx.metrics.distributions(web, 0, 120_000, 120_000));
        assert.deepEqual(both.map((x) => [x.timestampMs, x.count, x.min, x.max]), [[0, 6, 1, 200]]);
        assert.ok(Math.abs(percentile(both[0]!.sketch, 50, 1, 200)! - 3) <= 0.03, "p50 of 1, 2, 3, 4, 100, 200 within 1 %");
        await store.write((tx) => tx.metrics.prune(60_000));
        assert.deepEqual((await store.read((tx) => tx.metrics.distributions(web, 0, hour, 60_000))).map((x) => x.timestampMs), [60_000]);
        assert.deepEqual(await store.read((tx) => tx.metrics.distributions(custom, 0, hour, 60_000)), []);
      }));

    it("folds minutes into periods as the pure fold does (aligned on multiples of the period, within [from, to))", () =>
      withStore(async (store) => {
        const minutes = [0, 1, 4, 5, 9, 10, 12].map((m, i) => ({ ...point(web, m * 60_000, i * 7 - 10), count: i + 1 }));
        await store.write((tx) => tx.metrics.add(minutes));
        for (const [from, to, period] of [[0, 780_000, 300_000], [60_000, 600_000, 120_000], [0, 3_600_000, 3_600_000], [60_000, 660_000, 60_000], [0, 900_000, 600_000]] as const) {
          assert.deepEqual(await store.read((tx) => tx.metrics.periods(web, from, to, period)), periods(minutes, period, from, to));
        }
      }));

    it("lists metrics by namespace, name and dimensions, page by page, and forgets pruned ones", () =>
      withStore(async (store) => {
        await store.write((tx) => tx.metrics.add([point(web, 0, 1), point(api, 120_000, 1), point(cluster, 0, 1), point(custom, 0, 1)]));
        const names = async (q: MetricQuery) => (await store.read((tx) => tx.metrics.list(q))).items.map((i) => JSON.stringify(i.metric.dimensions.map((d) => d.value)));
        // In the store's order: by namespace, name, then the dimensions' text.
        assert.deepEqual(await names({ namespace: "AWS/ECS", limit: 10 }), ['["c","api"]', '["c","web"]', '["c"]']);
        assert.deepEqual(await names({ dimensions: [{ name: "ServiceName" }], limit: 10 }), ['["c","api"]', '["c","web"]']);
        assert.deepEqual(await names({ dimensions: [{ name: "ServiceName", value: "web" }, { name: "ClusterName", value: "c" }], limit: 10 }), ['["c","web"]']);
        assert.deepEqual(await names({ dimensions: [{ name: "ServiceName", value: "db" }], limit: 10 }), []);
        assert.deepEqual(await names({ metricName: "Orders", limit: 10 }), ["[]"]);
        assert.deepEqual(await names({ sinceMs: 60_000, limit: 10 }), ['["c","api"]']);
        const first = await store.read((tx) => tx.metrics.list({ namespace: "AWS/ECS", limit: 2 }));
        assert.equal(first.items.length, 2);
        const rest = await store.read((tx) => tx.metrics.list({ namespace: "AWS/ECS", limit: 2, after: first.next }));
        assert.deepEqual(rest.items.map((i) => i.metric.dimensions.map((d) => d.value)), [["c"]]);
        assert.equal(rest.next, undefined);
        assert.deepEqual((await store.read((tx) => tx.metrics.list({ metricName: "Orders", limit: 10 }))).items, [{ metric: custom, lastMinuteMs: 0 }]);
        assert.equal(await store.write((tx) => tx.metrics.prune(60_000)), 3);
        assert.deepEqual(await names({ limit: 10 }), ['["c","api"]']);
      }));

    it("prunes whole 5-minute buckets: those ending at or before the cut go, the rest of their six-hour block stays", () =>
      withStore(async (store) => {
        const b0 = 1_795_996_800_000; // a block's start (a multiple of six hours)
        const m = metricId("App", "Queue");
        await store.write((tx) => tx.metrics.add(Array.from({ length: 8 * 60 }, (_, i) => ({ metric: m, minuteMs: b0 + i * 60_000, sum: i, count: 1, min: i, max: i, unit: "Count" }))));
        const buckets = async () => (await store.read((tx) => tx.metrics.periods(m, b0, b0 + 8 * hour, five))).map((p) => (p.timestampMs - b0) / five);
        assert.equal(await store.write((tx) => tx.metrics.prune(b0 + 3 * five + 60_000)), 16); // the fourth bucket still has minutes after the cut
        assert.deepEqual(await buckets(), Array.from({ length: 93 }, (_, i) => i + 3));
        assert.deepEqual((await store.read((tx) => tx.metrics.periods(m, b0 + 3 * five, b0 + 4 * five, five)))[0], { timestampMs: b0 + 3 * five, sum: 15 + 16 + 17 + 18 + 19, count: 5, min: 15, max: 19, unit: "Count" });
        await store.write((tx) => tx.metrics.prune(b0 + 6 * hour + five));
        assert.deepEqual(await buckets(), Array.from({ length: 23 }, (_, i) => i + 73));
        await store.write((tx) => tx.metrics.prune(b0 + 8 * hour));
        assert.deepEqual(await buckets(), []);
        assert.deepEqual((await store.read((tx) => tx.metrics.list({ limit: 10 }))).items, []);
      }));
  });
}
