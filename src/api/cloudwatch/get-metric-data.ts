import { AwsError } from "../../errors/catalog.js";
import { evaluate, ExpressionError, idsOf, parseExpression, type Expr, type Value } from "../../domain/metrics/expression.js";
import type { MetricId } from "../../domain/metrics/series.js";
import { statistic, statisticNames, type StatisticName } from "../../domain/metrics/statistics.js";
import type { CloudWatchDeps } from "./deps.js";
import { periodOf, timeRange } from "./get-metric-statistics.js";
import { metricOf, optUnit } from "./metric-params.js";
import { invalid, missing, optBool, optList, optString, optStruct, reqString, type Params } from "./read.js";
import type { CloudWatchOperation } from "./operation.js";

type Query =
  | { readonly kind: "stat"; readonly id: string; readonly label: string; readonly returnData: boolean; readonly metric: MetricId; readonly periodMs: number; readonly stat: StatisticName; readonly unit?: string | undefined }
  | { readonly kind: "expression"; readonly id: string; readonly label: string; readonly returnData: boolean; readonly expr: Expr };

/**
 * GetMetricData: metrics (MetricStat) and metric math over them (Expression: see
 * domain/metrics/expression.ts), each a series of timestamps and values, newest first unless
 * `ScanBy=TimestampAscending`. Every result is complete: no paging.
 */
export function getMetricData(deps: CloudWatchDeps): CloudWatchOperation {
  return {
    name: "GetMetricData",
    async handle(p) {
      const { startMs, endMs } = timeRange(p);
      const scanBy = optString(p, "ScanBy") ?? "TimestampDescending";
      if (scanBy !== "TimestampDescending" && scanBy !== "TimestampAscending") throw invalid("ScanBy", scanBy, "It must be TimestampDescending or TimestampAscending.");
      const raw = optList(p, "MetricDataQueries", 500);
      if (!raw || raw.length === 0) throw missing("MetricDataQueries");
      const queries = raw.map(queryOf);
      checkIds(queries);
      const stats = queries.filter((x) => x.kind === "stat");
      // One read for every metric of the request; each series comes back oldest first.
      const folded = await deps.store.read((tx) => Promise.all(stats.map((q) => tx.metrics.periods(q.metric, startMs, endMs, q.periodMs))));
      const series = new Map<string, { times: number[]; values: number[] }>();
      stats.forEach((q, i) => {
        const times: number[] = [];
        const values: number[] = [];
        for (const d of folded[i]!) {
          if (q.unit !== undefined && d.unit !== q.unit) continue;
          times.push(d.timestampMs);
          values.push(statistic(d, q.stat));
        }
        series.set(q.id, { times, values });
      });
      const expressions = queries.filter((x) => x.kind === "expression");
      const computed = expressions.length > 0 ? evaluateAll(expressions, series) : new Map<string, Value>();
      const allTimes = expressions.length > 0 ? [...new Set([...computed.values()].flatMap((v) => (v.kind === "series" ? [...v.points.keys()] : [])))] : [];
      const ascending = scanBy === "TimestampAscending";
      const results = queries
        .filter((q) => q.returnData)
        .map((q) => {
          const stat = series.get(q.id);
          let times: number[];
          let values: number[];
          if (stat) {
            // Already in time order: the store's; reversed for the default, newest first.
            times = ascending ? stat.times : [...stat.times].reverse();
            values = ascending ? stat.values : [...stat.values].reverse();
          } else {
            const v = computed.get(q.id)!;
            const pairs = v.kind === "series" ? [...v.points] : allTimes.map((t) => [t, v.value] as const);
            pairs.sort((a, b) => (ascending ? a[0] - b[0] : b[0] - a[0]));
            times = pairs.map(([t]) => t);
            values = pairs.map(([, x]) => x);
          }
          return { Id: q.id, Label: q.label, Timestamps: times.map((t) => new Date(t)), Values: values, StatusCode: "Complete" };
        });
      return { MetricDataResults: results, Messages: [] };
    },
  };
}

/** The values of every query once metric math has run: the metrics' series, then each expression after those it reads. */
function evaluateAll(expressions: readonly Extract<Query, { kind: "expression" }>[], series: ReadonlyMap<string, { times: number[]; values: number[] }>): Map<string, Value> {
  const values = new Map<string, Value>();
  for (const [id, s] of series) values.set(id, { kind: "series", points: new Map(s.times.map((t, i) => [t, s.values[i]!])) });
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
