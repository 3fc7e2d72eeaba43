import { AwsError } from "../../errors/catalog.js";
import { evaluate, ExpressionError, idsOf, parseExpression, type Expr, type Value } from "../../domain/metrics/expression.js";
import type { PeriodColumns } from "../../domain/metrics/period-columns.js";
import type { MetricId } from "../../domain/metrics/series.js";
import { statistic, statisticNames, type StatisticName } from "../../domain/metrics/statistics.js";
import type { CloudWatchDeps } from "./deps.js";
import { periodOf, timeRange } from "./get-metric-statistics.js";
import { metricOf, optUnit } from "./metric-params.js";
import { invalid, missing, optBool, optList, optString, optStruct, reqString, type Params } from "./read.js";
import { metricDataJson, plainMetricData, type MetricDataOutput, type MetricDataResult } from "./metric-data-output.js";
import type { CloudWatchOperation } from "./operation.js";

type Query =
  | { readonly kind: "stat"; readonly id: string; readonly label: string; readonly returnData: boolean; readonly metric: MetricId; readonly periodMs: number; readonly stat: StatisticName; readonly unit?: string | undefined }
  | { readonly kind: "expression"; readonly id: string; readonly label: string; readonly returnData: boolean; readonly expr: Expr };

/**
 * GetMetricData: metrics (MetricStat) and metric math over them (Expression: see
 * domain/metrics/expression.ts), each a series of timestamps and values, newest first unless
 * `ScanBy=TimestampAscending`. Every result is complete: no paging. Series stay in typed arrays
 * from the store to the answer (metric-data-output.ts): a day of 500 metrics is 144,000 datapoints.
 */
export function getMetricData(deps: CloudWatchDeps): CloudWatchOperation {
  const answer = answerOf(deps);
  return {
    name: "GetMetricData",
    handle: async (p) => plainMetricData(await answer(p)),
    handleJson: async (p) => metricDataJson(await answer(p)),
  };
}

function answerOf(deps: CloudWatchDeps): (p: Params) => Promise<MetricDataOutput> {
  return async (p) => {
    const { startMs, endMs } = timeRange(p);
    const scanBy = optString(p, "ScanBy") ?? "TimestampDescending";
    if (scanBy !== "TimestampDescending" && scanBy !== "TimestampAscending") throw invalid("ScanBy", scanBy, "It must be TimestampDescending or TimestampAscending.");
    const raw = optList(p, "MetricDataQueries", 500);
    if (!raw || raw.length === 0) throw missing("MetricDataQueries");
    const queries = raw.map(queryOf);
    checkIds(queries);
    const stats = queries.filter((x) => x.kind === "stat");
    // One read for every metric of the request; each series comes back oldest first.
    const folded = await deps.store.read((tx) => Promise.all(stats.map((q) => tx.metrics.periodColumns(q.metric, startMs, endMs, q.periodMs))));
    const ascending = scanBy === "TimestampAscending";
    const series = new Map<string, Columns>();
    stats.forEach((q, i) => series.set(q.id, valuesOf(folded[i]!, q.stat, q.unit, ascending)));
    const expressions = queries.filter((x) => x.kind === "expression");
    const computed = expressions.length > 0 ? evaluateAll(expressions, series) : new Map<string, Value>();
    const allTimes = expressions.length > 0 ? [...new Set([...computed.values()].flatMap((v) => (v.kind === "series" ? [...v.points.keys()] : [])))] : [];
    const results = queries
      .filter((q) => q.returnData)
      .map((q): MetricDataResult => {
        const stat = series.get(q.id);
        if (stat) return { Id: q.id, Label: q.label, timesMs: stat.timesMs, values: stat.values, StatusCode: "Complete" };
        const v = computed.get(q.id)!;
        const pairs = v.kind === "series" ? [...v.points] : allTimes.map((t) => [t, v.value] as const);
        pairs.sort((a, b) => (ascending ? a[0] - b[0] : b[0] - a[0]));
        return { Id: q.id, Label: q.label, timesMs: Float64Array.from(pairs, ([t]) => t), values: Float64Array.from(pairs, ([, x]) => x), StatusCode: "Complete" };
      });
    return { MetricDataResults: results, Messages: [] };
  };
}

interface Columns {
  readonly timesMs: Float64Array;
  readonly values: Float64Array;
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

/** The values of every query once metric math has run: the metrics' series, then each expression after those it reads. */
function evaluateAll(expressions: readonly Extract<Query, { kind: "expression" }>[], series: ReadonlyMap<string, Columns>): Map<string, Value> {
  const values = new Map<string, Value>();
  for (const [id, s] of series) values.set(id, { kind: "series", points: new Map(Array.from(s.timesMs, (t, i) => [t, s.values[i]!])) });
  for (const q of ordered(expressions)) {
    try {
      values.set(q.id, evaluate(q.expr, (id) => values.get(id)));
    } catch (e) {
      if (e instanceof ExpressionError) throw invalid(`MetricDataQueries (Id ${q.id}).Expression`, q.id, e.message);
      throw e;
    }
  }
  return values;
}

function queryOf(q: Params, i: number): Query {
  const id = reqString(q, "Id", 255);
  if (!/^[a-z][a-zA-Z0-9_]*$/.test(id)) throw invalid(`MetricDataQueries.member.${i + 1}.Id`, id, "An Id starts with a lowercase letter and has only letters, digits and underscores.");
  const returnData = optBool(q, "ReturnData") ?? true;
  const expression = optString(q, "Expression", 2048);
  const stat = optStruct(q, "MetricStat");
  if ((expression === undefined) === (stat === undefined)) {
    throw new AwsError("InvalidParameterCombinationException", `The query with Id ${id} must have exactly one of MetricStat or Expression.`);
  }
  if (stat) {
    const metricParams = optStruct(stat, "Metric");
    if (!metricParams) throw missing(`MetricDataQueries.member.${i + 1}.MetricStat.Metric`);
    const metric = metricOf(metricParams);
    const name = reqString(stat, "Stat");
    const s = statisticNames.find((x) => x === name);
    if (!s) throw invalid(`MetricDataQueries.member.${i + 1}.MetricStat.Stat`, name, `Berth offers ${statisticNames.join(", ")}.`);
    return { kind: "stat", id, label: optString(q, "Label") ?? metric.metricName, returnData, metric, periodMs: periodOf(stat, "Period"), stat: s, unit: optUnit(stat) };
  }
  try {
    return { kind: "expression", id, label: optString(q, "Label") ?? id, returnData, expr: parseExpression(expression!) };
  } catch (e) {
    if (e instanceof ExpressionError) throw invalid(`MetricDataQueries.member.${i + 1}.Expression`, expression, e.message);
    throw e;
  }
}

function checkIds(queries: readonly Query[]): void {
  const seen = new Set<string>();
  for (const q of queries) {
    if (seen.has(q.id)) throw invalid("MetricDataQueries", q.id, `The Id ${q.id} is used by more than one query.`);
    seen.add(q.id);
  }
}

/** Expressions in an order where each comes after the expressions it reads; a cycle is refused. */
function ordered(exprs: readonly Extract<Query, { kind: "expression" }>[]): Extract<Query, { kind: "expression" }>[] {
  const byId = new Map(exprs.map((e) => [e.id, e]));
  const out: Extract<Query, { kind: "expression" }>[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (e: Extract<Query, { kind: "expression" }>): void => {
    if (state.get(e.id) === "done") return;
    if (state.get(e.id) === "visiting") throw invalid("MetricDataQueries", e.id, `The expression of ${e.id} depends on itself.`);
    state.set(e.id, "visiting");
    for (const dep of idsOf(e.expr)) {
      const d = byId.get(dep);
      if (d) visit(d);
    }
    state.set(e.id, "done");
    out.push(e);
  };
  exprs.forEach(visit);
  return out;
}
