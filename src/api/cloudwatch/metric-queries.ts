import { AwsError } from "../../errors/catalog.js";
import { ExpressionError, parseExpression } from "../../domain/metrics/expression.js";
import { QueryError, validQueryId, type MetricQuery } from "../../domain/metrics/queries.js";
import { offeredStatistics, statOf } from "../../domain/metrics/statistics.js";
import { periodOf } from "./get-metric-statistics.js";
import { metricOf, optUnit } from "./metric-params.js";
import { invalid, missing, optBool, optInt, optString, optStruct, reqString, type Params } from "./read.js";

/**
 * One MetricDataQuery (GetMetricData's MetricDataQueries, PutMetricAlarm's Metrics): an Id, and
 * either a MetricStat (Metric, Period, Stat, Unit) or an Expression, checked as it parses.
 */
export function queryOf(q: Params, member: string): MetricQuery {
  const id = reqString(q, "Id", 255);
  if (!validQueryId(id)) throw invalid(`${member}.Id`, id, "An Id starts with a lowercase letter and has only letters, digits and underscores.");
  const returnData = optBool(q, "ReturnData") ?? true;
  const expression = optString(q, "Expression", 2048);
  const stat = optStruct(q, "MetricStat");
  if ((expression === undefined) === (stat === undefined)) {
    throw new AwsError("InvalidParameterCombinationException", `The query with Id ${id} must have exactly one of MetricStat or Expression.`);
  }
  if (stat) {
    const metricParams = optStruct(stat, "Metric");
    if (!metricParams) throw missing(`${member}.MetricStat.Metric`);
    const metric = metricOf(metricParams);
    const name = reqString(stat, "Stat");
    const s = statOf(name);
    if (!s) throw invalid(`${member}.MetricStat.Stat`, name, `Berth offers ${offeredStatistics}.`);
    return { kind: "stat", id, label: optString(q, "Label") ?? metric.metricName, returnData, metric, periodMs: periodOf(stat, "Period"), stat: s, unit: optUnit(stat) };
  }
  try {
    parseExpression(expression!);
  } catch (e) {
    if (e instanceof ExpressionError) throw invalid(`${member}.Expression`, expression, e.message);
    throw e;
  }
  const label = optString(q, "Label");
  // A SEARCH in the expression that names no period reads at the query's.
  const periodMs = optInt(q, "Period", 1, 31_536_000) === undefined ? undefined : periodOf(q, "Period");
  return { kind: "expression", id, label: label ?? id, labeled: label !== undefined, returnData, expression: expression!, periodMs };
}

/** Runs `f`, answering a problem with the set of queries as CloudWatch's InvalidParameterValue on `list`. */
export function checkedQueries<T>(list: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof QueryError) throw invalid(`${list} (Id ${e.id})`, e.id, e.message);
    throw e;
  }
}
