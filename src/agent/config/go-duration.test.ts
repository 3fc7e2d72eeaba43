import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { formatGoDuration, parseGoDuration } from "./go-duration.js";

describe("parseGoDuration", () => {
  const valid: Array<[string, number]> = [
    ["0", 0],
    ["30s", 30_000],
    ["3h", 10_800_000],
    ["1m30s", 90_000],
    ["1.5h", 5_400_000],
    ["500ms", 500],
    ["2h45m", 9_900_000],
    ["1h0m0s", 3_600_000],
    ["1500us", 1.5],
    ["1000µs", 1],
    ["2000000ns", 2],
    [".5s", 500],
    ["-1m", -60_000],
    ["+5s", 5000],
  ];
  for (const [text, ms] of valid) {
    it(`"${text}" → ${ms} ms`, () => assert.equal(parseGoDuration(text), ms));
  }

  for (const text of ["", "30", "s", "1d", "1 s", "1m 30s", "abc", "1.2.3s", "5S", "-", "0x10s"]) {
    it(`rejects "${text}"`, () => assert.equal(parseGoDuration(text), undefined));
  }
});

describe("formatGoDuration", () => {
  const cases: Array<[number, string]> = [
    [0, "0s"],
    [30_000, "30s"],
    [240_000, "4m0s"],
    [7_200_000, "2h0m0s"],
    [90_000, "1m30s"],
    [1500, "1.5s"],
    [250, "250ms"],
    [0.5, "500µs"],
    [-60_000, "-1m0s"],
  ];
  for (const [ms, text] of cases) {
    it(`${ms} ms → "${text}"`, () => assert.equal(formatGoDuration(ms), text));
  }

  it("parses back what it formats (property, whole milliseconds)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000 * 3_600_000 }), (ms) => {
        assert.equal(parseGoDuration(formatGoDuration(ms)), ms);
      }),
    );
  });
});
