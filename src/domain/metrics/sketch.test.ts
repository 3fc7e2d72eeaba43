import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mergeSketches, percentile, percentileOf, sketchCount, sketchFromText, sketchOf, sketchText } from "./sketch.js";
import { significantCount, statOf } from "./statistics.js";

/** The exact percentile as CloudWatch ranks it: the value of rank ⌈p/100 × n⌉. */
const exact = (sorted: readonly number[], p: number): number => sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;

describe("value distributions for percentiles (log buckets, 1 % relative accuracy)", () => {
  it("answers every percentile within 1 % of the exact one, p0 and p100 exactly, over values spanning six decades", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const values = Array.from({ length: 5000 }, () => 10 ** (random() * 6 - 3));
    const sorted = [...values].sort((a, b) => a - b);
    const s = sketchOf(values)!;
    assert.equal(sketchCount(s), 5000);
    for (const p of [1, 10, 25, 50, 75, 90, 99, 99.9]) {
      const got = percentile(s, p, sorted[0]!, sorted.at(-1)!)!;
      const want = exact(sorted, p);
      assert.ok(Math.abs(got - want) <= 0.01 * want, `p${p}: ${got} against ${want}`);
    }
    assert.deepEqual([percentile(s, 0, sorted[0]!, sorted.at(-1)!), percentile(s, 100, sorted[0]!, sorted.at(-1)!)], [sorted[0], sorted.at(-1)]);
  });

  it("counts zeros and repeated values (Counts), merges, survives its text, and has none of a negative value", () => {
    const a = sketchOf([0, 5], [3, 1])!;
    const b = sketchOf([5, 5])!;
    const merged = sketchFromText(sketchText(mergeSketches(a, b)));
    assert.equal(sketchCount(merged), 6);
    assert.equal(percentile(merged, 50, 0, 5), 0, "3 of 6 values are 0");
    assert.ok(Math.abs(percentile(merged, 51, 0, 5)! - 5) <= 0.05);
    assert.equal(sketchOf([1, -1]), undefined);
    assert.equal(percentile(new Map(), 50, 0, 0), undefined);
  });

  it("names percentiles as CloudWatch does, and how many values each needs to say something", () => {
    assert.deepEqual(["p99", "p99.9", "p0", "p100", "p50.5"].map(percentileOf), [99, 99.9, 0, 100, 50.5]);
    assert.deepEqual(["p101", "P99", "p", "tm99", "p9x"].map(percentileOf), [undefined, undefined, undefined, undefined, undefined]);
    assert.deepEqual(["Average", "p90", "IQM"].map(statOf), ["Average", "p90", undefined]);
    assert.deepEqual(["p99", "p50", "p10", "p99.9", "Sum"].map((s) => significantCount(statOf(s)!)), [100, 2, 10, 1000, 1]);
  });
});
