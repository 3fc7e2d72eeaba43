import { readQuoted } from "../quoted-text.js";
import { metricId, type MetricId } from "./series.js";
import { statistic, type PeriodAggregate, type StatisticName } from "./statistics.js";

/**
 * CloudWatch Metrics Insights queries, as its query language guide gives them:
 *
 *     SELECT FUNCTION(metricName) FROM namespace | SCHEMA(namespace[, labelKey …])
 *     [WHERE labelKey = 'value' | labelKey != 'value' | labelKey [NOT] IN ('a', 'b') [AND|OR …]]
 *     [GROUP BY labelKey[, …]] [ORDER BY FUNCTION() [ASC|DESC]] [LIMIT n]
 *
 * FUNCTION is AVG, COUNT, MAX, MIN or SUM, applied in each period to every observation of the
 * metrics the query matches (FROM a namespace: whatever their dimensions; FROM SCHEMA: exactly
 * the dimensions named, none with the namespace alone), one series per group (GROUP BY; a metric
 * without a grouped dimension falls in `Other`), in the groups' order (ORDER BY the function of
 * each series' datapoints, else the groups' values in ascending order), at most LIMIT and never more
 * than 500. Keywords are in any case; names with other characters than letters, digits and `_`
 * are double-quoted, values single-quoted. Parsing, matching and grouping are pure.
 */
export type InsightsFunction = "AVG" | "COUNT" | "MAX" | "MIN" | "SUM";

export type InsightsCondition =
  | { readonly kind: "and" | "or"; readonly items: readonly InsightsCondition[] }
  | { readonly kind: "in"; readonly key: string; readonly values: readonly string[]; readonly negated: boolean };

export interface InsightsQuery {
  readonly fn: InsightsFunction;
  readonly metricName: string;
  readonly namespace: string;
  /** SCHEMA's dimension names (exactly these), or undefined for FROM a namespace (any). */
  readonly schema?: readonly string[] | undefined;
  readonly where?: InsightsCondition | undefined;
  readonly groupBy: readonly string[];
  readonly orderBy?: { readonly fn: InsightsFunction; readonly descending: boolean } | undefined;
  readonly limit: number;
}

export class InsightsError extends Error {
  override readonly name = "InsightsError";
}

export const maxInsightsSeries = 500;

/** The CloudWatch statistic each function is. */
export const statisticOf: Readonly<Record<InsightsFunction, StatisticName>> = { AVG: "Average", COUNT: "SampleCount", MAX: "Maximum", MIN: "Minimum", SUM: "Sum" };
const fold = (fn: InsightsFunction, a: Pick<PeriodAggregate, "sum" | "count" | "min" | "max">): number => statistic(a, statisticOf[fn]);
const functions: readonly InsightsFunction[] = ["AVG", "COUNT", "MAX", "MIN", "SUM"];

type Token = { readonly kind: "name" | "quoted" | "string" | "number" | "punct"; readonly text: string };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const quoted = (): string => {
    const q = readQuoted(text, i);
    if (!q) throw new InsightsError(`A ${text[i] === "'" ? "single" : "double"}-quoted text of the query is not closed.`);
    i = q.end;
    return q.value;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) i++;
    else if (c === "'") out.push({ kind: "string", text: quoted() });
    else if (c === '"') out.push({ kind: "quoted", text: quoted() });
    else if (text.startsWith("!=", i)) {
      out.push({ kind: "punct", text: "!=" });
      i += 2;
    } else if ("(),=".includes(c)) out.push({ kind: "punct", text: text[i++]! });
    else if (/[A-Za-z0-9_]/.test(c)) {
      const start = i;
      while (i < text.length && /[A-Za-z0-9_]/.test(text[i]!)) i++;
      const word = text.slice(start, i);
      out.push({ kind: /^\d+$/.test(word) ? "number" : "name", text: word });
    } else throw new InsightsError(`Unexpected character '${c}' at position ${i + 1} of the query.`);
  }
  return out;
}

/** Parses a Metrics Insights query (an Expression that starts with SELECT). */
export function parseInsights(text: string): InsightsQuery {
  const tokens = tokenize(text);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const isKeyword = (t: Token | undefined, k: string): boolean => t?.kind === "name" && t.text.toUpperCase() === k;
  const keyword = (k: string): void => {
    if (!isKeyword(tokens[i], k)) throw new InsightsError(`Expected ${k} ${tokens[i] === undefined ? "at the end" : `before '${tokens[i]!.text.slice(0, 64)}'`} of the query.`);
    i++;
  };
  const punct = (p: string): void => {
    if (tokens[i]?.kind !== "punct" || tokens[i]!.text !== p) throw new InsightsError(`Expected '${p}' ${tokens[i] === undefined ? "at the end" : `before '${tokens[i]!.text.slice(0, 64)}'`} of the query.`);
    i++;
  };
  const isPunct = (p: string): boolean => peek()?.kind === "punct" && peek()!.text === p;
  const name = (what: string): string => {
    const t = tokens[i++];
    if (t?.kind !== "name" && t?.kind !== "quoted") throw new InsightsError(`Expected ${what} in the query (double-quoted when it holds other characters than letters, digits and _).`);
    return t.text;
  };
  const fn = (): InsightsFunction => {
    const t = tokens[i++];
    const f = functions.find((x) => t?.kind === "name" && x === t.text.toUpperCase());
    if (!f) throw new InsightsError(`Expected a function (${functions.join(", ")}) ${t === undefined ? "at the end" : `where '${t.text.slice(0, 64)}' is`} in the query.`);
    return f;
  };
  const value = (): string => {
    const t = tokens[i++];
    if (t?.kind !== "string") throw new InsightsError("A label value of the query is single-quoted ('value').");
    return t.text;
  };

  keyword("SELECT");
  const selected = fn();
  punct("(");
  const metricName = name("a metric name");
  punct(")");
  keyword("FROM");
  let namespace: string;
  let schema: string[] | undefined;
  if (isKeyword(peek(), "SCHEMA") && tokens[i + 1]?.text === "(") {
    i += 2;
    namespace = name("a namespace");
    schema = [];
    while (isPunct(",")) {
      i++;
      schema.push(name("a dimension name"));
    }
    punct(")");
  } else {
    namespace = name("a namespace");
  }

  const or = (): InsightsCondition => {
    const items = [and()];
    while (isKeyword(peek(), "OR")) {
      i++;
      items.push(and());
    }
    return items.length === 1 ? items[0]! : { kind: "or", items };
  };
  const and = (): InsightsCondition => {
    const items = [comparison()];
    while (isKeyword(peek(), "AND")) {
      i++;
      items.push(comparison());
    }
    return items.length === 1 ? items[0]! : { kind: "and", items };
  };
  const comparison = (): InsightsCondition => {
    if (isPunct("(")) {
      i++;
      const inner = or();
      punct(")");
      return inner;
    }
    const key = name("a label key");
    if (isPunct("=") || isPunct("!=")) {
      const negated = tokens[i++]!.text === "!=";
      return { kind: "in", key, values: [value()], negated };
    }
    const negated = isKeyword(peek(), "NOT");
    if (negated) i++;
    if (!isKeyword(peek(), "IN")) throw new InsightsError(`Expected =, !=, IN or NOT IN after ${key.slice(0, 64)} in the query's WHERE (Berth offers no LIKE).`);
    i++;
    punct("(");
    const values = [value()];
    while (isPunct(",")) {
      i++;
      values.push(value());
    }
    punct(")");
    return { kind: "in", key, values, negated };
  };

  let where: InsightsCondition | undefined;
  if (isKeyword(peek(), "WHERE")) {
    i++;
    where = or();
  }
  const groupBy: string[] = [];
  if (isKeyword(peek(), "GROUP")) {
    i++;
    keyword("BY");
    groupBy.push(name("a label key"));
    while (isPunct(",")) {
      i++;
      groupBy.push(name("a label key"));
    }
  }
  let orderBy: InsightsQuery["orderBy"];
  if (isKeyword(peek(), "ORDER")) {
    i++;
    keyword("BY");
    const f = fn();
    punct("(");
    punct(")");
    const descending = isKeyword(peek(), "DESC");
    if (descending || isKeyword(peek(), "ASC")) i++;
    orderBy = { fn: f, descending };
  }
  let limit = maxInsightsSeries;
  if (isKeyword(peek(), "LIMIT")) {
    i++;
    const t = tokens[i++];
    limit = Number(t?.text);
    if (t?.kind !== "number" || limit < 1 || limit > maxInsightsSeries) throw new InsightsError(`LIMIT is a whole number from 1 to ${maxInsightsSeries}.`);
  }
  if (i < tokens.length) throw new InsightsError(`Unexpected '${tokens[i]!.text.slice(0, 64)}' in the query.`);
  return { fn: selected, metricName, namespace, schema, where, groupBy, orderBy, limit };
}

/** Whether the query reads `metric`. */
export function insightsMatches(q: InsightsQuery, metric: MetricId): boolean {
  if (metric.namespace !== q.namespace || metric.metricName !== q.metricName) return false;
  if (q.schema && (metric.dimensions.length !== q.schema.length || !q.schema.every((n) => metric.dimensions.some((d) => d.name === n)))) return false;
  return q.where === undefined || holds(q.where, metric);
}

function holds(c: InsightsCondition, metric: MetricId): boolean {
  switch (c.kind) {
    case "and":
      return c.items.every((x) => holds(x, metric));
    case "or":
      return c.items.some((x) => holds(x, metric));
    case "in": {
      const v = metric.dimensions.find((d) => d.name === c.key)?.value;
      return v !== undefined && c.values.includes(v) !== c.negated;
    }
  }
}

/** One series of a query's answer: its group (a metric id of the grouped dimensions, and their values in GROUP BY's order) and its value per period start. */
export interface InsightsSeries {
  readonly group: MetricId;
  readonly values: readonly string[];
  readonly points: Map<number, number>;
}

/**
 * The query's series from the matched metrics' periods: the observations of each group's metrics
 * folded per period by the function, the groups ordered and cut at LIMIT.
 */
export function insightsSeries(q: InsightsQuery, matched: readonly { readonly metric: MetricId; readonly periods: readonly PeriodAggregate[] }[]): InsightsSeries[] {
  const groups = new Map<string, { group: MetricId; values: string[]; byPeriod: Map<number, { sum: number; count: number; min: number; max: number }> }>();
  for (const { metric, periods } of matched) {
    const dims = q.groupBy.map((name) => ({ name, value: metric.dimensions.find((d) => d.name === name)?.value ?? "Other" }));
    const key = JSON.stringify(dims.map((d) => d.value));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { group: metricId(q.namespace, q.metricName, dims), values: dims.map((d) => d.value), byPeriod: new Map() }));
    for (const p of periods) {
      const a = g.byPeriod.get(p.timestampMs);
      if (!a) g.byPeriod.set(p.timestampMs, { sum: p.sum, count: p.count, min: p.min, max: p.max });
      else Object.assign(a, { sum: a.sum + p.sum, count: a.count + p.count, min: Math.min(a.min, p.min), max: Math.max(a.max, p.max) });
    }
  }
  const series = [...groups.entries()].map(([key, g]) => ({
    key,
    group: g.group,
    values: g.values,
    points: new Map([...g.byPeriod].sort((a, b) => a[0] - b[0]).map(([t, a]) => [t, fold(q.fn, a)])),
  }));
  const rank = q.orderBy;
  if (rank) {
    const score = (s: (typeof series)[number]): number => {
      const xs = [...s.points.values()];
      return fold(rank.fn, { sum: xs.reduce((a, b) => a + b, 0), count: xs.length, min: Math.min(...xs), max: Math.max(...xs) });
    };
    series.sort((a, b) => (rank.descending ? score(b) - score(a) : score(a) - score(b)) || (a.key < b.key ? -1 : 1));
  } else {
    series.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  return series.slice(0, q.limit).map(({ group, values, points }) => ({ group, values, points }));
}
