import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodePageToken, encodePageToken, pageOf, periodsLeft, type PageCursor } from "./metric-data-pages.js";
import type { MetricDataResult } from "./metric-data-output.js";

const minute = 60_000;

/** A result whose series is at these minutes, in scan order; each value names its query and minute. */
function result(q: number, minutes: readonly number[], ascending: boolean): MetricDataResult {
  const sorted = [...minutes].sort((a, b) => (ascending ? a - b : b - a));
  return { Id: `q${q}`, Label: `q${q}`, timesMs: Float64Array.from(sorted, (m) => m * minute), values: Float64Array.from(sorted, (m) => q * 1000 + m), StatusCode: "Complete" };
}

/** Every page of an answer, walked as a client follows NextToken. */
function pages(results: readonly MetricDataResult[], ascending: boolean, max: number) {
  const out = [];
  let from: PageCursor | undefined;
  do {
    const page = pageOf(results, ascending, from, max);
    out.push(page);
    from = page.next;
    assert.ok(out.length <= 1000, "the pages end");
  } while (from !== undefined);
  return out;
}

describe("GetMetricData's pages", () => {
  it("an answer within MaxDatapoints is one page, every result Complete", () => {
    const results = [result(0, [1, 2, 3], false), result(1, [2], false)];
    const page = pageOf(results, false, undefined, 4);
    assert.equal(page.next, undefined);
    assert.deepEqual(page.results.map((r) => [r.StatusCode, [...r.values]]), [["Complete", [3, 2, 1]], ["Complete", [1002]]]);
  });

  it("newest first: a page takes the newest timestamps across every query, then the queries in order at the timestamp it cuts", () => {
    const results = [0, 1, 2].map((q) => result(q, [0, 1, 2, 3], false));
    const [first, second, third] = pages(results, false, 5);
    assert.deepEqual(first!.results.map((r) => [r.StatusCode, [...r.values]]), [["PartialData", [3, 2]], ["PartialData", [1003, 1002]], ["PartialData", [2003]]]);
    assert.deepEqual(first!.next, { timeMs: 2 * minute, query: 2 });
    assert.deepEqual(second!.results.map((r) => [r.StatusCode, [...r.values]]), [["Complete", [1, 0]], ["PartialData", [1001]], ["PartialData", [2002, 2001]]]);
    assert.deepEqual(third!.results.map((r) => [r.StatusCode, [...r.values]]), [["Complete", []], ["Complete", [1000]], ["Complete", [2000]]]);
    assert.equal(third!.next, undefined);
  });

  it("whatever the series, their gaps, the order and MaxDatapoints: the pages put together are the answer, each page full but the last", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 60; round++) {
      const ascending = round % 2 === 0;
      const queries = 1 + Math.floor(random() * 6);
      const results = Array.from({ length: queries }, (_, q) => result(q, Array.from({ length: 20 }, (_, m) => m).filter(() => random() < 0.6), ascending));
      const total = results.reduce((n, r) => n + r.values.length, 0);
      const max = 1 + Math.floor(random() * 12);
      const all = pages(results, ascending, max);
      all.forEach((page, k) => {
        const size = page.results.reduce((n, r) => n + r.values.length, 0);
        assert.equal(size, k < all.length - 1 ? max : total - max * (all.length - 1), `page ${k} of round ${round}`);
        assert.equal(page.results.length, queries, "a result for every query on every page");
      });
      results.forEach((r, q) => {
        const joined = all.flatMap((page) => [...page.results[q]!.values]);
        assert.deepEqual(joined, [...r.values], `query ${q} of round ${round}`);
        const complete = all.findIndex((page) => page.results[q]!.StatusCode === "Complete");
        assert.ok(all.slice(complete).every((page) => page.results[q]!.StatusCode === "Complete" && (page === all[complete] || page.results[q]!.values.length === 0)), "Complete once its series ended");
        assert.ok(all.slice(0, complete).every((page) => page.results[q]!.StatusCode === "PartialData"));
      });
    }
  });

  it("a later page reads only the periods left, aligned as the whole range's", () => {
    const [start, end, period] = [0, 60 * minute, 5 * minute];
    // Newest first, the cursor at the period starting at minute 20: periods 0 … 20 (the one holding the cursor's time too).
    assert.deepEqual(periodsLeft(start, end, period, 20 * minute, false), [0, 25 * minute]);
    assert.deepEqual(periodsLeft(start, end, period, 22 * minute, false), [0, 25 * minute], "a cursor of a query with a shorter period");
    assert.deepEqual(periodsLeft(start, 23 * minute, period, 22 * minute, false), [0, 23 * minute], "never past the range");
    // Oldest first: the periods starting at or after the cursor.
    assert.deepEqual(periodsLeft(start, end, period, 20 * minute, true), [20 * minute, end]);
    assert.deepEqual(periodsLeft(start, end, period, 22 * minute, true), [25 * minute, end]);
    assert.deepEqual(periodsLeft(start, end, period, 61 * minute, true), [end, end]);
  });

  it("a NextToken is taken back only with the request it continues", () => {
    const token = encodePageToken({ timeMs: 120_000, query: 3 }, "request A");
    assert.deepEqual(decodePageToken(token, "request A"), { timeMs: 120_000, query: 3 });
    assert.equal(decodePageToken(undefined, "request A"), undefined);
    assert.throws(() => decodePageToken(token, "request B"), (e: Error & { code?: string }) => e.code === "InvalidNextToken" && /same MetricDataQueries, StartTime, EndTime and ScanBy/.test(e.message));
    for (const bad of ["x", Buffer.from("[1,2]").toString("base64url"), Buffer.from('["d",1,-1]').toString("base64url")]) {
      assert.throws(() => decodePageToken(bad, "request A"), (e: Error & { code?: string }) => e.code === "InvalidNextToken");
    }
  });
});
