import type { FoundSeries, MetricsFinder } from "../../domain/metrics/expression.js";
import { insightsMatches, insightsSeries, statisticOf } from "../../domain/metrics/insights.js";
import type { FindSeries } from "../../domain/metrics/queries.js";
import { searchMatches } from "../../domain/metrics/search.js";
import type { MetricId } from "../../domain/metrics/series.js";
import { statisticByPeriod } from "../../state/metric-statistics.js";
import type { ReadTx } from "../../state/store.js";
import { invalid } from "./read.js";

/** A SEARCH finds the metrics ListMetrics would list (data in the last two weeks), at most 500 of them, as CloudWatch's. */
const searchedMs = 14 * 24 * 3_600_000;
const maxSeriesPerSearch = 500;
/** As many SEARCHes as a CloudWatch graph may hold; each may read 500 metrics. */
const maxSearchesPerRequest = 100;
const listPage = 500;

/**
 * The metrics each SEARCH of a request finds, each with its statistic per period over
 * [fromMs, toMs), and each Metrics Insights query's series per group: the metrics are listed once
 * for all the request's searches and queries.
 */
export async function findSeries(
  tx: ReadTx,
  searches: readonly { readonly search: MetricsFinder; readonly periodMs: number }[],
  range: { readonly fromMs: number; readonly toMs: number; readonly nowMs: number },
  accountId: string,
): Promise<FindSeries> {
  const found = new Map<string, FoundSeries[]>();
  if (searches.length === 0) return () => [];
  const distinct = new Set(searches.map((s) => keyOf(s.search, s.periodMs))).size;
  if (distinct > maxSearchesPerRequest) throw invalid("MetricDataQueries", `${distinct} SEARCH expressions`, `A request may hold at most ${maxSearchesPerRequest} different SEARCH expressions and Metrics Insights queries.`);
  const metrics: MetricId[] = [];
  let after: string | undefined;
  do {
    const page = await tx.metrics.list({ sinceMs: range.nowMs - searchedMs, after, limit: listPage });
    metrics.push(...page.items.map((i) => i.metric));
    after = page.next;
  } while (after !== undefined);
  for (const { search, periodMs } of searches) {
    const key = keyOf(search, periodMs);
    if (found.has(key)) continue;
    if (search.kind === "insights") {
      const q = search.query;
      const matched = metrics.filter((m) => insightsMatches(q, m));
      const periods = await Promise.all(matched.map((m) => tx.metrics.periods(m, range.fromMs, range.toMs, periodMs)));
      const groups = insightsSeries(q, matched.map((metric, i) => ({ metric, periods: periods[i]! })));
      found.set(key, groups.map((g) => ({ metric: g.group, label: g.values.join(" "), stat: statisticOf[q.fn], periodMs, points: g.points })));
      continue;
    }
    const matched = metrics.filter((m) => searchMatches(search.query, m, accountId)).slice(0, maxSeriesPerSearch);
    const series = await Promise.all(matched.map((m) => statisticByPeriod(tx.metrics, m, search.stat, undefined, range.fromMs, range.toMs, periodMs)));
    const labels = searchLabels(matched);
    found.set(key, matched.map((metric, i) => ({ metric, label: labels[i]!, stat: search.stat, periodMs, points: series[i]! })));
  }
  return (search, periodMs) => found.get(keyOf(search, periodMs)) ?? [];
}

const keyOf = (finder: MetricsFinder, periodMs: number): string => JSON.stringify([finder.kind, finder.text, finder.kind === "search" ? finder.stat : "", periodMs]);

/**
 * The labels of a search's series when its query gives none: each series' dimension values and
 * metric name that differ among the series (`web`, `api` for the services of one cluster), in
 * the order of the dimensions' names, the metric name last; a lone series shows them all.
 * CloudWatch does not document its own default; this one names what tells the series apart.
 */
function searchLabels(metrics: readonly MetricId[]): string[] {
  const fields = (m: MetricId): Map<string, string> => new Map([...m.dimensions.map((d): [string, string] => [`Dim.${d.name}`, d.value]), ["MetricName", m.metricName]]);
  const all = metrics.map(fields);
  const names = [...new Set(all.flatMap((f) => [...f.keys()]))].sort((a, b) => (a === "MetricName" ? 1 : b === "MetricName" ? -1 : a < b ? -1 : 1));
  const varying = names.filter((n) => new Set(all.map((f) => f.get(n))).size > 1);
  return all.map((f) => (varying.length > 0 ? varying : names).flatMap((n) => f.get(n) ?? []).join(" "));
}
