import { evaluate, ExpressionError, idsOf, parseExpression, searchesOf, type Expr, type FoundSeries, type MetricsFinder, type Series, type Value } from "./expression.js";
import type { MetricId } from "./series.js";
import type { Stat } from "./statistics.js";

/**
 * One query of a set that metric math reads: GetMetricData's MetricDataQueries, a metric math
 * alarm's Metrics, a target-tracking policy's customized metric queries. A metric's statistic per
 * period (`stat`), or an expression over the other queries' ids (kept as its text, as it was given;
 * its period, when given, is that of the SEARCHes in it that name none).
 */
export type MetricQuery =
  | { readonly kind: "stat"; readonly id: string; readonly label: string; readonly returnData: boolean; readonly metric: MetricId; readonly periodMs: number; readonly stat: Stat; readonly unit?: string | undefined }
  | {
      readonly kind: "expression";
      readonly id: string;
      /** The query's Label, or its Id when it gives none (`labeled` false). */
      readonly label: string;
      readonly labeled: boolean;
      readonly returnData: boolean;
      readonly expression: string;
      readonly periodMs?: number | undefined;
    };

export type ExpressionQuery = Extract<MetricQuery, { kind: "expression" }>;

/** The metrics a SEARCH (or Metrics Insights query) of a query finds, each with its series. */
export type FindSeries = (finder: MetricsFinder, periodMs: number) => readonly FoundSeries[];

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
 * queries' ids), then each expression after those it reads, its SEARCHes answered by `found`
 * (none given: a SEARCH is refused). A cycle, or an expression naming an Id the set does not
 * have, is a QueryError.
 */
export function evaluateQueries(queries: readonly MetricQuery[], series: ReadonlyMap<string, Series>, found?: FindSeries): Map<string, Value> {
  const values = new Map<string, Value>();
  for (const [id, points] of series) values.set(id, { kind: "series", points });
  for (const { query, expr } of ordered(parsed(queries))) {
    try {
      values.set(query.id, evaluate(expr, (other) => values.get(other), found && ((s) => found(s, searchPeriodMs(s, query)))));
    } catch (e) {
      if (e instanceof ExpressionError) throw new QueryError(query.id, e.message);
      throw e;
    }
  }
  return values;
}

/** Every SEARCH of the set's expressions, with the period it reads at. */
export function searchesOfQueries(queries: readonly MetricQuery[]): { readonly search: MetricsFinder; readonly periodMs: number }[] {
  return parsed(queries).flatMap(({ query, expr }) => searchesOf(expr).map((search) => ({ search, periodMs: searchPeriodMs(search, query) })));
}

/** A SEARCH's period: its own, else its query's; a Metrics Insights query's: its query's. */
function searchPeriodMs(search: MetricsFinder, query: ExpressionQuery): number {
  if (search.kind === "search" && search.periodS !== undefined) return search.periodS * 1000;
  if (query.periodMs !== undefined) return query.periodMs;
  throw new QueryError(
    query.id,
    search.kind === "search"
      ? "A SEARCH needs a period: give it as its third argument (SEARCH('…', 'Average', 300)) or as the query's Period."
      : "A Metrics Insights query reads at its query's Period: give one (a multiple of 60 seconds).",
  );
}

interface Parsed {
  readonly query: ExpressionQuery;
  readonly expr: Expr;
}

/** Each query's parsed expression: GetMetricData asks a set for its SEARCHes, then evaluates it. */
const parsedOf = new WeakMap<ExpressionQuery, Expr>();

/** The set's expressions, each parsed once. */
function parsed(queries: readonly MetricQuery[]): Parsed[] {
  return queries.flatMap((q) => {
    if (q.kind !== "expression") return [];
    let expr = parsedOf.get(q);
    if (!expr) {
      try {
        expr = parseExpression(q.expression);
      } catch (e) {
        if (e instanceof ExpressionError) throw new QueryError(q.id, e.message);
        throw e;
      }
      parsedOf.set(q, expr);
    }
    return [{ query: q, expr }];
  });
}

/** Expressions in an order where each comes after the expressions it reads. */
function ordered(exprs: readonly Parsed[]): Parsed[] {
  const byId = new Map(exprs.map((e) => [e.query.id, e]));
  const out: Parsed[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (e: Parsed): void => {
    const id = e.query.id;
    if (state.get(id) === "done") return;
    if (state.get(id) === "visiting") throw new QueryError(id, `The expression of ${id} depends on itself.`);
    state.set(id, "visiting");
    for (const dep of idsOf(e.expr)) {
      const d = byId.get(dep);
      if (d) visit(d);
    }
    state.set(id, "done");
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
