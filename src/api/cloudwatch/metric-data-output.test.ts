import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { serialize } from "../aws-json/dispatcher.js";
import { cbor } from "@smithy/core/cbor";
import { metricDataCbor } from "./metric-data-cbor.js";
import { metricDataJson, plainMetricData, type MetricDataOutput } from "./metric-data-output.js";
import { cborValue } from "./service.js";

/** The JSON written straight from typed arrays must be the text the JSON front door writes for the plain values. */
const t0 = 1_796_000_100_000;
const output: MetricDataOutput = {
  MetricDataResults: [
    // Regular periods, newest first (two series share their timestamps' text).
    { Id: "a", Label: "CPUUtilization", timesMs: Float64Array.from([3, 2, 1, 0], (k) => t0 + k * 300_000), values: Float64Array.from([41.333333333333336, 0.1 + 0.2, -0, 1e21]), StatusCode: "Complete" },
    { Id: "b", Label: 'quote " and \\ and \u0001 and ü', timesMs: Float64Array.from([3, 2, 1, 0], (k) => t0 + k * 300_000), values: Float64Array.from([1, 2, 3, 4]), StatusCode: "Complete" },
    // Gaps, a sub-second period's timestamps, math giving NaN and infinities.
    { Id: "c", Label: "c", timesMs: Float64Array.from([t0, t0 + 1_500, t0 + 60_000, t0 + 61_000]), values: Float64Array.from([Number.NaN, Number.POSITIVE_INFINITY, 5e-324, Number.NEGATIVE_INFINITY]), StatusCode: "Complete" },
    { Id: "d", Label: "empty", timesMs: new Float64Array(0), values: new Float64Array(0), StatusCode: "Complete" },
  ],
  Messages: [],
};

/** A first page: partial results and a NextToken. */
const paged: MetricDataOutput = { ...output, MetricDataResults: output.MetricDataResults.map((r) => ({ ...r, StatusCode: "PartialData" as const })), NextToken: "WyJhYmMiLDEsMl0" };

describe("GetMetricData's AWS JSON answer", () => {
  it("is the very text JSON.stringify gives the plain answer (epoch seconds, null for non-finite values, escapes)", () => {
    assert.equal(metricDataJson(output), serialize(plainMetricData(output)));
    assert.equal(metricDataJson(paged), serialize(plainMetricData(paged)), "a page with a NextToken");
  });

  it("plain values carry Dates and numbers", () => {
    const plain = plainMetricData(output) as { MetricDataResults: { Timestamps: Date[]; Values: number[] }[] };
    assert.deepEqual(plain.MetricDataResults[0]!.Timestamps[3], new Date(t0));
    assert.deepEqual(plain.MetricDataResults[1]!.Values, [1, 2, 3, 4]);
  });
});

describe("GetMetricData's RPC v2 CBOR answer", () => {
  /** Sizes that change CBOR's header forms: 300 results, a day of 1,440 minutes, long texts, integers of every width. */
  const large: MetricDataOutput = {
    MetricDataResults: Array.from({ length: 300 }, (_, i) => ({
      Id: `m${i}`.padEnd(i % 40, "x"),
      Label: "ü".repeat(i),
      timesMs: Float64Array.from({ length: i === 7 ? 1_440 : 3 }, (_, k) => t0 - k * 60_000),
      values: Float64Array.from({ length: i === 7 ? 1_440 : 3 }, (_, k) => [23, 24, 255, 256, 65_535, 65_536, 2 ** 32, 2 ** 53 - 1, 2 ** 53, -1, -24, -25, -(2 ** 40), 0.5, -0.25][(i + k) % 15]!),
      StatusCode: "Complete" as const,
    })),
    Messages: [],
  };

  for (const [what, o] of [["mixed series", output], ["large sizes", large], ["a page with a NextToken", paged]] as const) {
    it(`is, byte for byte, what Smithy's encoder writes for the plain answer with tag-1 timestamps (${what})`, () => {
      assert.deepEqual(Buffer.from(metricDataCbor(o)), Buffer.from(cbor.serialize(cborValue(plainMetricData(o)))));
    });
  }

  it("reads back as the answer: timestamps as tag 1 over epoch seconds, the values", () => {
    const back = cbor.deserialize(metricDataCbor(output)) as { MetricDataResults: { Id: string; Timestamps: { tag: number; value: number }[]; Values: number[] }[] };
    const { tag, value } = back.MetricDataResults[1]!.Timestamps[3]!;
    assert.deepEqual({ tag, value }, { tag: 1, value: t0 / 1000 });
    assert.deepEqual(back.MetricDataResults[1]!.Values, [1, 2, 3, 4]);
    assert.ok(Number.isNaN(back.MetricDataResults[2]!.Values[0]));
  });
});
