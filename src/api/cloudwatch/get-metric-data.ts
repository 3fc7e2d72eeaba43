import type { FoundSeries, Value } from "../../domain/metrics/expression.js";
import type { PeriodColumns } from "../../domain/metrics/period-columns.js";
import { checkIds, evaluateQueries, searchesOfQueries, type ExpressionQuery, type StatQuery } from "../../domain/metrics/queries.js";
import { isPercentile, statistic, type StatisticName } from "../../domain/metrics/statistics.js";
import { statisticByPeriod } from "../../state/metric-statistics.js";
import type { CloudWatchDeps } from "./deps.js";
import { timeRange } from "./get-metric-statistics.js";
import { checkedQueries, queryOf } from "./metric-queries.js";
import { invalid, missing, optInt, optList, optString, type Params } from "./read.js";
import { decodePageToken, defaultMaxDatapoints, encodePageToken, pageOf, periodsLeft, requestDigest } from "./metric-data-pages.js";
import { HeldAnswers } from "./held-answers.js";
import { metricDataJson, plainMetricData, type MetricDataOutput, type MetricDataResult } from "./metric-data-output.js";
import type { CloudWatchOperation } from "./operation.js";
import { metricDataCbor } from "./metric-data-cbor.js";
import { expandLabel } from "../../domain/metrics/dynamic-label.js";
import type { Partition } from "../../domain/arn.js";
import type { RequestContext } from "../aws-json/service.js";
import { findSeries } from "./search-metrics.js";

/**
 * GetMetricData: metrics (MetricStat) and metric math over them (Expression: see
 * domain/metrics/expression.ts), each a series of timestamps and values, newest first unless
 * `ScanBy=TimestampAscending`, in pages of MaxDatapoints (metric-data-pages.ts; math expressions are
 * answered whole, as CloudWatch gives them no NextToken). What a page leaves is held for the next
 * (held-answers.ts). Series stay in typed arrays from the store to the answer
 * (metric-data-output.ts, metric-data-cbor.ts): a day of 500 metrics is 144,000 datapoints.
 */
export function getMetricData(deps: CloudWatchDeps): CloudWatchOperation {
  const answer = answerOf(deps, new HeldAnswers());
  return {
    name: "GetMetricData",
    handle: async (p, ctx) => plainMetricData(await answer(p, ctx)),
    handleJson: async (p, ctx) => metricDataJson(await answer(p, ctx)),
    handleCbor: async (p, ctx) => metricDataCbor(await answer(p, ctx)),
  };
}

function answerOf(deps: CloudWatchDeps, held: HeldAnswers): (p: Params, ctx: RequestContext) => Promise<MetricDataOutput> {
  return async (p, { partition, nowMs }) => {
    const { startMs, endMs } = timeRange(p);
    const scanBy = optString(p, "ScanBy") ?? "TimestampDescending";
    if (scanBy !== "TimestampDescending" && scanBy !== "TimestampAscending") throw invalid("ScanBy", scanBy, "It must be TimestampDescending or TimestampAscending.");
    const maxDatapoints = optInt(p, "MaxDatapoints", 1, Number.MAX_SAFE_INTEGER) ?? defaultMaxDatapoints;
    const raw = optList(p, "MetricDataQueries", 500);
    if (!raw || raw.length === 0) throw missing("MetricDataQueries");
    const queries = raw.map((q, i) => queryOf(q, `MetricDataQueries.member.${i + 1}`));
    checkedQueries("MetricDataQueries", () => checkIds(queries));
    const stats = queries.filter((x): x is StatQuery => x.kind === "stat");
    const expressions = queries.length > stats.length;
    const ascending = scanBy === "TimestampAscending";
    // What a NextToken is bound to, written only when a token comes in or goes out.
    let digest: string | undefined;
    const request = (): string => (digest ??= requestDigest(JSON.stringify([queries, startMs, endMs, scanBy])));
    const heldKey = () => `${partition.accountId}/${partition.region}/${request()}`;
    // Math expressions are answered whole: CloudWatch returns no NextToken for them.
    const token = expressions ? undefined : optString(p, "NextToken", 4096);
    const from = token ? decodePageToken(token, request()) : undefined;
    const kept = from && held.get(heldKey());
    if (kept) return nextPage(kept);
    // One read for every metric of the request (and those its SEARCHes find); each series comes back oldest first (a percentile's by period).
    // A later page reads only the periods left from its cursor on.
    const searches = expressions ? checkedQueries("MetricDataQueries", () => searchesOfQueries(queries)) : [];
    const [folded, found] = await deps.store.read((tx) =>
      Promise.all([
        Promise.all(
          stats.map((q) => {
            const [fromMs, toMs] = from === undefined ? [startMs, endMs] : periodsLeft(startMs, endMs, q.periodMs, from.timeMs, ascending);
            return isPercentile(q.stat) ? statisticByPeriod(tx.metrics, q.metric, q.stat, q.unit, fromMs, toMs, q.periodMs) : tx.metrics.periodColumns(q.metric, fromMs, toMs, q.periodMs);
          }),
        ),
        findSeries(tx, searches, { fromMs: startMs, toMs: endMs, nowMs }, partition.accountId),
      ]),
    );
    const series = new Map<string, Columns>();
    stats.forEach((q, i) => {
      const f = folded[i]!;
      series.set(q.id, f instanceof Map ? columnsOfMap(f, ascending) : valuesOf(f, q.stat as StatisticName, q.unit, ascending));
    });
    const computed = expressions
      ? checkedQueries("MetricDataQueries", () => evaluateQueries(queries, new Map([...series].map(([id, s]) => [id, new Map(Array.from(s.timesMs, (t, i) => [t, s.values[i]!]))])), found))
      : new Map<string, Value>();
    const allTimes = expressions ? [...new Set([...computed.values()].flatMap((v) => (v.kind === "series" ? [...v.points.keys()] : v.kind === "array" ? v.items.flatMap((s) => [...s.points.keys()]) : [])))] : [];
    const results = queries
      .filter((q) => q.returnData)
      .flatMap((q): MetricDataResult[] => {
        if (q.kind === "expression") return expressionResults(q, computed.get(q.id)!, allTimes, ascending, partition);
        const stat = series.get(q.id)!;
        return [{ Id: q.id, Label: expandLabel(q.label, q, partition), timesMs: stat.timesMs, values: stat.values, StatusCode: "Complete" }];
      });
    return expressions ? { MetricDataResults: results, Messages: [] } : nextPage(results);

    // The page from the cursor on; what it leaves is held for the page after it.
    function nextPage(results: readonly MetricDataResult[]): MetricDataOutput {
      const page = pageOf(results, ascending, from, maxDatapoints);
      if (!page.next) {
        if (from) held.drop(heldKey());
        return { MetricDataResults: page.results, Messages: [] };
      }
      held.hold(heldKey(), results);
      return { MetricDataResults: page.results, Messages: [], NextToken: encodePageToken(page.next, request()) };
    }
  };
}

/**
 * An expression's results: one series (a constant is given at every time the request's series
 * have), or one result per series of an array (a SEARCH's), all with the query's Id. A series of
 * an array is labelled by what tells it apart from the others the search found (search-metrics.ts),
 * or by the query's label: its dynamic values drawn from the series' metric, a plain label
 * followed by the series' own.
 */
function expressionResults(q: ExpressionQuery, v: Value, allTimes: readonly number[], ascending: boolean, partition: Partition): MetricDataResult[] {
  const result = (label: string, pairs: (readonly [number, number])[]): MetricDataResult => {
    pairs.sort((a, b) => (ascending ? a[0] - b[0] : b[0] - a[0]));
    return { Id: q.id, Label: label, timesMs: Float64Array.from(pairs, ([t]) => t), values: Float64Array.from(pairs, ([, x]) => x), StatusCode: "Complete" };
  };
  if (v.kind === "array") {
    const labelOf = (s: FoundSeries): string => {
      // A Metrics Insights query without GROUP BY is one series with no label of its own.
      if (!q.labeled) return s.label || q.label;
      if (q.label.includes("${")) return expandLabel(q.label, s, partition, s.label);
      return [q.label, s.label].filter(Boolean).join(" ");
    };
    return v.items.map((s) => result(labelOf(s), [...s.points]));
  }
  return [result(q.label, v.kind === "series" ? [...v.points] : allTimes.map((t) => [t, v.value] as const))];
}

interface Columns {
  readonly timesMs: Float64Array;
  readonly values: Float64Array;
}

/** A percentile's values by period start, in the answer's order. */
function columnsOfMap(byStart: ReadonlyMap<number, number>, ascending: boolean): Columns {
  const pairs = [...byStart].sort((a, b) => (ascending ? a[0] - b[0] : b[0] - a[0]));
  return { timesMs: Float64Array.from(pairs, ([t]) => t), values: Float64Array.from(pairs, ([, v]) => v) };
}

/**
 * One statistic of each period (statistics.ts `statistic`), in the answer's order (the store's is
 * oldest first), only the periods of `unit` when one is asked for. Times and values share one
 * backing store: a call can answer 500 metrics.
 */
function valuesOf(c: PeriodColumns, stat: StatisticName, unit: string | undefined, ascending: boolean): Columns {
  const keep = unit === undefined ? undefined : typeof c.units === "string" ? (c.units === unit ? undefined : []) : c.units.flatMap((u, i) => (u === unit ? [i] : []));
  const n = keep?.length ?? c.length;
  const out = new Float64Array(2 * n);
  const timesMs = out.subarray(0, n);
  const values = out.subarray(n);
  for (let j = 0; j < n; j++) {
    const i = keep ? keep[j]! : j;
    const at = ascending ? j : n - 1 - j;
    timesMs[at] = c.timesMs[i]!;
    values[at] = statistic({ sum: c.sum[i]!, count: c.count[i]!, min: c.min[i]!, max: c.max[i]! }, stat);
  }
  return { timesMs, values };
}

