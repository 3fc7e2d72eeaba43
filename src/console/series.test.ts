import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { linePoints, percent, seriesOf, summaryOf, topOf } from "./series.js";

const at = (minute: number): Date => new Date(Date.UTC(2026, 10, 30, 7, minute));

describe("console metric series", () => {
  it("GetMetricData's newest-first datapoints in time order, dropping what is not a number", () => {
    const s = seriesOf({ Id: "cpu", Timestamps: [at(3), at(2), at(1), at(0)], Values: [30, Number.NaN, 10, 5] });
    assert.deepEqual(s.times, [at(0), at(1), at(3)].map((d) => d.getTime()));
    assert.deepEqual(s.values, [5, 10, 30]);
    assert.deepEqual(summaryOf(s), { latest: 30, min: 5, max: 30 });
    assert.equal(summaryOf(seriesOf(undefined)), undefined);
  });

  it("a line over the window: time left to right, 0 at the bottom edge, the top value at the top edge", () => {
    const s = seriesOf({ Id: "cpu", Timestamps: [at(0), at(30), at(60), at(90)], Values: [0, 50, 100, 10] });
    const box = { width: 120, height: 40, top: 100 };
    assert.equal(linePoints(s, at(0).getTime(), at(60).getTime(), box), "0,40 60,20 120,0", "points outside the window are left out");
    assert.equal(linePoints(seriesOf({ Id: "m", Timestamps: [at(0), at(60)], Values: [50, 200] }), at(0).getTime(), at(60).getTime(), box), "0,20 120,0", "above the top: at the top edge");
    assert.equal(linePoints(seriesOf(undefined), 0, 1, box), "");
  });

  it("the chart's top: 1, 2 or 5 times a power of ten at or above the highest value, at least 1", () => {
    const top = (...values: number[]): number => topOf({ times: values.map((_, i) => i), values });
    assert.deepEqual([top(), top(0.4), top(1), top(1.5), top(3), top(7), top(10), top(12), top(57), top(100), top(130)], [1, 1, 1, 2, 5, 10, 10, 20, 100, 100, 200]);
  });

  it("percentages beside a chart", () => {
    assert.equal(percent(3.14159), "3.1 %");
    assert.equal(percent(57.6), "58 %");
  });
});
