import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { metricId, type MinuteAggregate } from "../../domain/metrics/series.js";
import { SqliteStore } from "../../state/sqlite/sqlite-store.js";
import { getMetricData } from "./get-metric-data.js";
import type { RequestContext } from "../aws-json/service.js";

const ctx = { partition: { region: "us-east-1", accountId: "000000000000" } } as RequestContext;
const minute = 60_000;
const endMs = 100 * 60 * minute;

/** Three metrics over 100 hours, each with its own gaps, read per 5 minutes (Average) and per hour (Sum). */
async function seededStore(): Promise<SqliteStore> {
  const store = new SqliteStore({ path: ":memory:" });
  const points: MinuteAggregate[] = [];
  for (let m = 0; m < 3; m++) {
    for (let t = 0; t < endMs; t += minute) {
      if ((t / minute + m * 7) % (11 + m) < 3) continue;
      points.push({ metric: metricId("Test", `m${m}`), minuteMs: t, sum: m + t / minute, count: 1, min: 0, max: 1, unit: "None" });
    }
  }
  await store.write((tx) => tx.metrics.add(points));
  return store;
}

const request = (scanBy: string, token?: string) => ({
  StartTime: 0,
  EndTime: endMs / 1000,
  ScanBy: scanBy,
  MaxDatapoints: 601,
  MetricDataQueries: [0, 1, 2].map((m) => ({ Id: `q${m}`, MetricStat: { Metric: { Namespace: "Test", MetricName: `m${m}` }, Period: m === 2 ? 3600 : 300, Stat: m === 2 ? "Sum" : "Average" } })),
  ...(token !== undefined && { NextToken: token }),
});

describe("GetMetricData's pages, held or read again", () => {
  it("a page served by another server (no held answer) is the page the first server would have cut", async () => {
    const store = await seededStore();
    try {
      for (const scanBy of ["TimestampDescending", "TimestampAscending"]) {
        // One server follows every page (each cut from the answer the page before held) …
        const one = getMetricData({ store, retentionMs: Infinity });
        const held: string[] = [];
        let token: string | undefined;
        do {
          const text = await one.handleJson!(request(scanBy, token), ctx);
          held.push(text);
          token = (JSON.parse(text) as { NextToken?: string }).NextToken;
        } while (token !== undefined);
        assert.ok(held.length > 3, `${held.length} pages`);
        // … and every page again from a server that never saw the request: read from the store.
        for (let k = 1; k < held.length; k++) {
          const fresh = getMetricData({ store, retentionMs: Infinity });
          const previous = (JSON.parse(held[k - 1]!) as { NextToken: string }).NextToken;
          assert.equal(await fresh.handleJson!(request(scanBy, previous), ctx), held[k], `page ${k + 1}, ${scanBy}`);
        }
      }
    } finally {
      await store.close();
    }
  });
});
