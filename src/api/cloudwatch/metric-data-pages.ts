import { createHash } from "node:crypto";
import { AwsError } from "../../errors/catalog.js";
import type { MetricDataResult } from "./metric-data-output.js";

/**
 * GetMetricData's pages (`MaxDatapoints`, default 100,800, and `NextToken`), as ScanBy describes
 * them: the answer's datapoints in scan order (newest first, or oldest first with
 * TimestampAscending; the queries in their order at one timestamp) are cut after MaxDatapoints,
 * and the next page goes on from there. Every page has a result for every query, with the part of
 * its series in the page: `PartialData` while more of it is on later pages, then `Complete`.
 */

/** Where a page starts: the first datapoint at or after this timestamp (in scan order), from this query on. */
export interface PageCursor {
  readonly timeMs: number;
  readonly query: number;
}

export interface MetricDataPage {
  readonly results: readonly MetricDataResult[];
  readonly next?: PageCursor | undefined;
}

export const defaultMaxDatapoints = 100_800;

/** One page of `results` (each series in scan order) from `from` on, of at most `max` datapoints. */
export function pageOf(results: readonly MetricDataResult[], ascending: boolean, from: PageCursor | undefined, max: number): MetricDataPage {
  // The first datapoint of series q at or after the cursor c in scan order (its time at c's, from c's query on, or past it).
  const firstFrom = (r: MetricDataResult, q: number, c: PageCursor | undefined): number => {
    if (c === undefined) return 0;
    const i = firstNotBefore(r.timesMs, c.timeMs, 0, ascending);
    return r.timesMs[i] === c.timeMs && q < c.query ? i + 1 : i;
  };
  const starts = results.map((r, q) => firstFrom(r, q, from));
  const left = results.reduce((n, r, q) => n + r.timesMs.length - starts[q]!, 0);
  const next = left > max ? cutAfter(results, starts, ascending, max) : undefined;
  const page = results.map((r, q): MetricDataResult => {
    const start = starts[q]!;
    const end = next === undefined ? r.timesMs.length : firstFrom(r, q, next);
    return { ...r, timesMs: r.timesMs.subarray(start, end), values: r.values.subarray(start, end), StatusCode: end < r.timesMs.length ? "PartialData" : "Complete" };
  });
  return { results: page, next };
}

/**
 * The part of [startMs, endMs) a page from a cursor at `cursorMs` needs, in whole periods aligned
 * on startMs as the whole range's (so each period's value is the one the first page computed):
 * the periods starting at or before the cursor when newest come first, at or after it otherwise.
 */
export function periodsLeft(startMs: number, endMs: number, periodMs: number, cursorMs: number, ascending: boolean): [number, number] {
  if (ascending) return [Math.min(endMs, startMs + Math.max(0, Math.ceil((cursorMs - startMs) / periodMs)) * periodMs), endMs];
  return [startMs, Math.max(startMs, Math.min(endMs, startMs + (Math.floor((cursorMs - startMs) / periodMs) + 1) * periodMs))];
}

/**
 * The cursor of the datapoint after the first `max` of those left (at least one is left on the
 * page): the datapoints counted per timestamp, the timestamps walked in scan order to the one the
 * cut falls in, and there the queries with a datapoint at it, in order.
 */
function cutAfter(results: readonly MetricDataResult[], starts: readonly number[], ascending: boolean, max: number): PageCursor {
  const atTime = new Map<number, number>();
  results.forEach((r, q) => {
    for (let i = starts[q]!; i < r.timesMs.length; i++) {
      const t = r.timesMs[i]!;
      atTime.set(t, (atTime.get(t) ?? 0) + 1);
    }
  });
  const times = Float64Array.from(atTime.keys()).sort();
  if (!ascending) times.reverse();
  let taken = 0;
  for (const t of times) {
    const here = atTime.get(t)!;
    if (taken + here > max) {
      let skip = max - taken;
      const query = results.findIndex((r, q) => r.timesMs[firstNotBefore(r.timesMs, t, starts[q]!, ascending)] === t && skip-- === 0);
      return { timeMs: t, query };
    }
    taken += here;
  }
  throw new Error("cutAfter: fewer datapoints left than the page holds");
}

/** The first index from `from` on whose time is `t` or after it in scan order (`times` is in scan order). */
function firstNotBefore(times: Float64Array, t: number, from: number, ascending: boolean): number {
  let [lo, hi] = [from, times.length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ascending ? times[mid]! < t : times[mid]! > t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A NextToken: the cursor and the digest of what the request asked (`requestDigest`: its queries,
 * range and order), so that a token is only taken back with the request that it continues.
 */
export function encodePageToken(cursor: PageCursor, request: string): string {
  return Buffer.from(JSON.stringify([request, cursor.timeMs, cursor.query]), "utf8").toString("base64url");
}

export function decodePageToken(token: string | undefined, request: string): PageCursor | undefined {
  if (token === undefined || token === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || typeof parsed[0] !== "string" || !Number.isFinite(parsed[1]) || !Number.isSafeInteger(parsed[2]) || (parsed[2] as number) < 0) {
    throw new AwsError("InvalidNextToken", "The NextToken is not one GetMetricData handed out.");
  }
  if (parsed[0] !== request) throw new AwsError("InvalidNextToken", "The NextToken belongs to another request: send it with the same MetricDataQueries, StartTime, EndTime and ScanBy as the call that returned it.");
  return { timeMs: parsed[1] as number, query: parsed[2] as number };
}

/** What a NextToken is bound to: a digest of the request's text. */
export const requestDigest = (request: string): string => createHash("sha256").update(request).digest("base64url").slice(0, 16);
