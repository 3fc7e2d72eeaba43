import { evaluate, ExpressionError, idsOf, parseExpression, type Expr, type Series, type Value } from "./expression.js";
import type { MetricId } from "./series.js";
import type { Stat } from "./statistics.js";

/**
 * One query of a set that metric math reads: GetMetricData's MetricDataQueries, a metric math
 * alarm's Metrics, a target-tracking policy's customized metric queries. A metric's statistic per
 * period (`stat`), or an expression over the other queries' ids (kept as its text, as it was given).
 */
export type MetricQuery =
  | { readonly kind: "stat"; readonly id: string; readonly label: string; readonly returnData: boolean; readonly metric: MetricId; readonly periodMs: number; readonly stat: Stat; readonly unit?: string | undefined }
  | { readonly kind: "expression"; readonly id: string; readonly label: string; readonly returnData: boolean; readonly expression: string };

export type StatQuery = Extract<MetricQuery, { kind: "stat" }>;

/** CloudWatch's rule for a query's Id: a lowercase letter, then letters, digits and underscores. */
export const validQueryId = (id: string): boolean => /^[a-z][a-zA-Z0-9_]*$/.test(id);

/** A problem with a set of queries, naming the query (its Id) and what to fix. */
export class QueryError extends Error {
  override readonly name = "QueryError";
  constructor(
    readonly id: string,
    message: string,
  ) {
    super(message);
  }
}

/** Each Id once. */
export function checkIds(queries: readonly MetricQuery[]): void {
  const seen = new Set<string>();
  for (const q of queries) {
    if (seen.has(q.id)) throw new QueryError(q.id, `The Id ${q.id} is used by more than one query.`);
    seen.add(q.id);
  }
}

/**
 * The values of every query once metric math has run: the metrics' series (`series`, by the stat
 * queries' ids), then each expression after those it reads. A cycle, or an expression naming an
 * Id the set does not have, is a QueryError.
 */
export function evaluateQueries(queries: readonly MetricQuery[], series: ReadonlyMap<string, Series>): Map<string, Value> {
  const values = new Map<string, Value>();
  for (const [id, points] of series) values.set(id, { kind: "series", points });
  for (const { id, expr } of ordered(parsed(queries))) {
    try {
      values.set(id, evaluate(expr, (other) => values.get(other)));
    } catch (e) {
      if (e instanceof ExpressionError) throw new QueryError(id, e.message);
      throw e;
    }
  }
  return values;
}

interface Parsed {
  readonly id: string;
  readonly expr: Expr;
}

/** The set's expressions, each parsed once. */
function parsed(queries: readonly MetricQuery[]): Parsed[] {
  return queries.flatMap((q) => {
    if (q.kind !== "expression") return [];
    try {
      return [{ id: q.id, expr: parseExpression(q.expression) }];
    } catch (e) {
      if (e instanceof ExpressionError) throw new QueryError(q.id, e.message);
      throw e;
    }
  });
}

/** Expressions in an order where each comes after the expressions it reads. */
function ordered(exprs: readonly Parsed[]): Parsed[] {
  const byId = new Map(exprs.map((e) => [e.id, e]));
  const out: Parsed[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (e: Parsed): void => {
    if (state.get(e.id) === "done") return;
    if (state.get(e.id) === "visiting") throw new QueryError(e.id, `The expression of ${e.id} depends on itself.`);
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

/**
 * A metric math alarm's (or target tracking's) queries, checked as CloudWatch checks them: exactly
 * one returns data (the series the alarm watches), every metric has the same period (the alarm's),
 * and the expressions evaluate (no cycle, no unknown Id). Returns that period, in ms.
 */
export function checkAlarmQueries(queries: readonly MetricQuery[]): number {
  checkIds(queries);
  const returned = queries.filter((q) => q.returnData);
  if (returned.length !== 1) {
    throw new QueryError(returned[1]?.id ?? queries[0]?.id ?? "", `Exactly one of the alarm's queries must have ReturnData true (the series it watches), and the others ReturnData false; ${returned.length} have it.`);
  }
  const stats = queries.filter((q): q is StatQuery => q.kind === "stat");
  if (stats.length === 0) throw new QueryError(returned[0]!.id, "A metric math alarm needs at least one query with a MetricStat.");
  const periodMs = stats[0]!.periodMs;
  const other = stats.find((q) => q.periodMs !== periodMs);
  if (other) throw new QueryError(other.id, `Every metric of a metric math alarm has the same period: ${other.id}'s is ${other.periodMs / 1000} s, ${stats[0]!.id}'s ${periodMs / 1000} s.`);
  evaluateQueries(queries, new Map(stats.map((q) => [q.id, new Map()])));
  return periodMs;
}

/** The series (or constant) the returned query of an evaluated set holds. */
export function returnedValue(queries: readonly MetricQuery[], values: ReadonlyMap<string, Value>): Value | undefined {
  const q = queries.find((x) => x.returnData);
  return q && values.get(q.id);
}
