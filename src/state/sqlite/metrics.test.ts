import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { metricId, type MetricId } from "../../domain/metrics/series.js";
import { periods } from "../../domain/metrics/statistics.js";
import type { MetricQuery } from "../metric-records.js";
import { SqliteStore } from "./sqlite-store.js";

const point = (metric: MetricId, minuteMs: number, value: number) => ({ metric, minuteMs, sum: value, count: 1, min: value, max: value, unit: "Percent" });
const web = metricId("AWS/ECS", "CPUUtilization", [{ name: "ClusterName", value: "c" }, { name: "ServiceName", value: "web" }]);
const api = metricId("AWS/ECS", "CPUUtilization", [{ name: "ClusterName", value: "c" }, { name: "ServiceName", value: "api" }]);
const cluster = metricId("AWS/ECS", "CPUUtilization", [{ name: "ClusterName", value: "c" }]);
const custom = metricId("App", "Orders");

describe("the SQLite metric repository", () => {
  it("adds batches of one minute into one row, and reads minutes in a range", async () => {
    const store = new SqliteStore({ path: ":memory:" });
    await store.write((tx) => tx.metrics.add([point(web, 0, 10), point(web, 60_000, 50)]));
    await store.write((tx) => tx.metrics.add([point(web, 0, 30)]));
    const minutes = await store.read((tx) => tx.metrics.minutes(web, 0, 60_000));
    assert.deepEqual(minutes.map((m) => [m.minuteMs, m.sum, m.count, m.min, m.max]), [[0, 40, 2, 10, 30]]);
    await store.close();
  });

  it("folds minutes into periods as the pure fold does (aligned on multiples of the period, within [from, to))", async () => {
    const store = new SqliteStore({ path: ":memory:" });
    const minutes = [0, 1, 4, 5, 9, 10, 12].map((m, i) => ({ ...point(web, m * 60_000, i * 7 - 10), count: i + 1 }));
    await store.write((tx) => tx.metrics.add(minutes));
    for (const [from, to, period] of [[0, 780_000, 300_000], [60_000, 600_000, 120_000], [0, 3_600_000, 3_600_000], [60_000, 660_000, 60_000], [0, 900_000, 600_000]] as const) {
      assert.deepEqual(await store.read((tx) => tx.metrics.periods(web, from, to, period)), periods(minutes, period, from, to));
    }
    await store.close();
  });

  it("lists metrics by namespace, name and dimensions, page by page, and forgets pruned ones", async () => {
    const store = new SqliteStore({ path: ":memory:" });
    await store.write((tx) => tx.metrics.add([point(web, 0, 1), point(api, 120_000, 1), point(cluster, 0, 1), point(custom, 0, 1)]));
    const names = async (q: MetricQuery) => (await store.read((tx) => tx.metrics.list(q))).items.map((i) => JSON.stringify(i.metric.dimensions.map((d) => d.value)));
    // In the store's order: by namespace, name, then the dimensions' text.
    assert.deepEqual(await names({ namespace: "AWS/ECS", limit: 10 }), ['["c","api"]', '["c","web"]', '["c"]']);
    assert.deepEqual(await names({ dimensions: [{ name: "ServiceName" }], limit: 10 }), ['["c","api"]', '["c","web"]']);
    assert.deepEqual(await names({ dimensions: [{ name: "ServiceName", value: "web" }, { name: "ClusterName", value: "c" }], limit: 10 }), ['["c","web"]']);
    assert.deepEqual(await names({ metricName: "Orders", limit: 10 }), ["[]"]);
    const first = await store.read((tx) => tx.metrics.list({ namespace: "AWS/ECS", limit: 2 }));
    assert.equal(first.items.length, 2);
    const rest = await store.read((tx) => tx.metrics.list({ namespace: "AWS/ECS", limit: 2, after: first.next }));
    assert.deepEqual(rest.items.map((i) => i.metric.dimensions.map((d) => d.value)), [["c"]]);
    assert.equal(rest.next, undefined);
    assert.equal(await store.write((tx) => tx.metrics.prune(60_000)), 3);
    assert.deepEqual(await names({ limit: 10 }), ['["c","api"]']);
    await store.close();
  });
});
