import { InsightsError, parseInsights, type InsightsQuery } from "./insights.js";
import { parseSearch, SearchError, type SearchQuery } from "./search.js";
import type { MetricId } from "./series.js";
import { offeredStatistics, statOf, type Stat } from "./statistics.js";

/**
 * CloudWatch metric math, the part Berth offers: numbers, the ids of other queries, `+ - * /`,
 * parentheses, SUM, AVG, MIN, MAX of an array (`SUM([m1, m2])`, one series, each point the
 * function of the series' points at that time) or of one series (a scalar over all its points),
 * SEARCH('…', 'Stat', Period) (search.ts: every metric the search finds, an array of series),
 * REMOVE_EMPTY (an array without its series that have no datapoint), and a Metrics Insights query
 * as a whole expression (SELECT …, insights.ts: an array of a series per group). A series and a
 * scalar combine point by point, two series where both have a point, an array series by series.
 * Parsing and evaluating are pure (the metrics a SEARCH finds come from the caller); a problem is
 * an `ExpressionError` whose message says what to fix.
 */
export type Series = ReadonlyMap<number, number>;
/** One series of an array: a metric a SEARCH found, read at its statistic and period, and its label among the search's series. */
export interface FoundSeries {
  readonly metric: MetricId;
  readonly label: string;
  readonly stat: Stat;
  readonly periodMs: number;
  readonly points: Series;
}
export type Value =
  | { readonly kind: "scalar"; readonly value: number }
  | { readonly kind: "series"; readonly points: Series }
  | { readonly kind: "array"; readonly items: readonly FoundSeries[] };

/** A SEARCH call: its query (as written, and parsed), statistic, and period in seconds when it gives one. */
export interface SearchCall {
  readonly kind: "search";
  readonly text: string;
  readonly query: SearchQuery;
  readonly stat: Stat;
  readonly periodS?: number | undefined;
}

/** A Metrics Insights query (insights.ts): a whole expression, read at its query's period. */
export interface InsightsCall {
  readonly kind: "insights";
  readonly text: string;
  readonly query: InsightsQuery;
}

/** What finds metrics in the store: a SEARCH, or a Metrics Insights query. */
export type MetricsFinder = SearchCall | InsightsCall;

export type Expr =
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "id"; readonly id: string }
  | { readonly kind: "neg"; readonly operand: Expr }
  | { readonly kind: "binary"; readonly op: "+" | "-" | "*" | "/"; readonly left: Expr; readonly right: Expr }
  | { readonly kind: "call"; readonly fn: MathFunction; readonly args: readonly Expr[] }
  | { readonly kind: "removeEmpty"; readonly operand: Expr }
  | { readonly kind: "array"; readonly items: readonly Expr[] }
  | MetricsFinder;

export const mathFunctions = ["SUM", "AVG", "MIN", "MAX"] as const;
export type MathFunction = (typeof mathFunctions)[number];
const functions = [...mathFunctions, "SEARCH", "REMOVE_EMPTY"];

export class ExpressionError extends Error {
  override readonly name = "ExpressionError";
}

const token = /\s*(?:(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/()[\],])|('[^']*'))/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  token.lastIndex = 0;
  while (token.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(token.lastIndex))) break;
    const at = token.lastIndex;
    const m = token.exec(text);
    if (!m) {
      if (/SEARCH\s*\(\s*$/i.test(text.slice(0, at))) throw new ExpressionError(searchForm("its search"));
      throw new ExpressionError(`Unexpected character at position ${at + 1} of the expression.`);
    }
    out.push(m[1] ?? m[2] ?? m[3] ?? m[4]!);
  }
  return out;
}

const searchForm = (what: string): string => `SEARCH takes ${what} in single quotes: SEARCH('{Namespace, DimensionName} SearchTerm', 'Statistic', Period).`;

const unknownFunction = (name: string): ExpressionError => new ExpressionError(`Unknown function ${name.slice(0, 64)}: Berth offers ${functions.join(", ")}.`);

/** Parses an expression; the ids it names are in `idsOf`. */
export function parseExpression(text: string): Expr {
  if (text.length > 1024) throw new ExpressionError("The expression is longer than 1024 characters.");
  if (/^\s*SELECT\b/i.test(text)) {
    try {
      return { kind: "insights", text, query: parseInsights(text) };
    } catch (e) {
      if (e instanceof InsightsError) throw new ExpressionError(e.message);
      throw e;
    }
  }
  // An outer function Berth lacks (METRICS, FILL, …) is named before its arguments trip the tokenizer.
  const outer = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(text)?.[1];
  if (outer !== undefined && !functions.includes(outer.toUpperCase())) throw unknownFunction(outer);
  const tokens = tokenize(text);
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const expect = (t: string): void => {
    if (tokens[i] !== t) throw new ExpressionError(`Expected '${t}' ${tokens[i] === undefined ? "at the end" : `before '${tokens[i]}'`} of the expression.`);
    i++;
  };
  const sum = (): Expr => {
    let left = product();
    while (peek() === "+" || peek() === "-") {
      const op = tokens[i++] as "+" | "-";
      left = { kind: "binary", op, left, right: product() };
    }
    return left;
  };
  const product = (): Expr => {
    let left = unary();
    while (peek() === "*" || peek() === "/") {
      const op = tokens[i++] as "*" | "/";
      left = { kind: "binary", op, left, right: unary() };
    }
    return left;
  };
  const unary = (): Expr => {
    if (peek() !== "-") return primary();
    i++;
    return { kind: "neg", operand: unary() };
  };
  const list = (close: string): Expr[] => {
    const items: Expr[] = [];
    if (peek() !== close) {
      items.push(sum());
      while (peek() === ",") {
        i++;
        items.push(sum());
      }
    }
    expect(close);
    return items;
  };
  const primary = (): Expr => {
    const t = tokens[i++];
    if (t === undefined) throw new ExpressionError("The expression ends too early.");
    if (t === "(") {
      const e = sum();
      expect(")");
      return e;
    }
    if (t === "[") return { kind: "array", items: list("]") };
    if (/^\d/.test(t)) return { kind: "number", value: Number(t) };
    if (/^[A-Za-z_]/.test(t)) {
      if (peek() !== "(") return { kind: "id", id: t };
      i++;
      const name = t.toUpperCase();
      if (name === "SEARCH") return search();
      if (name === "REMOVE_EMPTY") {
        const operand = sum();
        expect(")");
        return { kind: "removeEmpty", operand };
      }
      const fn = mathFunctions.find((f) => f === name);
      if (!fn) throw unknownFunction(t);
      return { kind: "call", fn, args: list(")") };
    }
    if (t.startsWith("'")) throw new ExpressionError("A quoted string is only an argument of SEARCH.");
    throw new ExpressionError(`Unexpected '${t}' in the expression.`);
  };
  // SEARCH('query', 'Stat'[, Period]).
  const search = (): SearchCall => {
    const quoted = (what: string): string => {
      const t = tokens[i++];
      if (t === undefined || !t.startsWith("'")) throw new ExpressionError(searchForm(what));
      return t.slice(1, -1);
    };
    const text = quoted("its search");
    expect(",");
    const statName = quoted("a statistic");
    const stat = statOf(statName);
    if (!stat) throw new ExpressionError(`SEARCH's statistic '${statName.slice(0, 64)}' is not one Berth offers: ${offeredStatistics}.`);
    let periodS: number | undefined;
    if (peek() === ",") {
      i++;
      const p = tokens[i++];
      periodS = Number(p);
      if (p === undefined || !Number.isInteger(periodS) || periodS <= 0 || periodS % 60 !== 0) {
        throw new ExpressionError("SEARCH's period is a number of seconds, a multiple of 60: Berth keeps one-minute resolution.");
      }
    }
    expect(")");
    try {
      return { kind: "search", text, query: parseSearch(text), stat, periodS };
    } catch (e) {
      if (e instanceof SearchError) throw new ExpressionError(e.message);
      throw e;
    }
  };
  const e = sum();
  if (i < tokens.length) throw new ExpressionError(`Unexpected '${tokens[i]!.slice(0, 64)}' in the expression.`);
  return e;
}

/** The expressions an expression is made of. */
function partsOf(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case "neg":
    case "removeEmpty":
      return [e.operand];
    case "binary":
      return [e.left, e.right];
    case "call":
      return e.args;
    case "array":
      return e.items;
    default:
      return [];
  }
}

/** The ids an expression reads. */
export const idsOf = (e: Expr): string[] => (e.kind === "id" ? [e.id] : partsOf(e).flatMap(idsOf));

/** The SEARCH calls (or Metrics Insights query) of an expression. */
export const searchesOf = (e: Expr): MetricsFinder[] => (e.kind === "search" || e.kind === "insights" ? [e] : partsOf(e).flatMap(searchesOf));

/**
 * Evaluates an expression with each id's series (or scalar) from `lookup`, and the series of the
 * metrics each SEARCH finds from `found` (none given: a SEARCH is refused, as in an alarm).
 */
export function evaluate(e: Expr, lookup: (id: string) => Value | undefined, found?: (finder: MetricsFinder) => readonly FoundSeries[]): Value {
  const at = (x: Expr): Value => evaluate(x, lookup, found);
  switch (e.kind) {
    case "number":
      return { kind: "scalar", value: e.value };
    case "id": {
      const v = lookup(e.id);
      if (!v) throw new ExpressionError(`The expression names '${e.id}', which is not the Id of another query in this request.`);
      return v;
    }
    case "search":
      if (!found) throw new ExpressionError("A search expression is answered by GetMetricData only: an alarm watches one series (CloudWatch refuses SEARCH in an alarm too).");
      return { kind: "array", items: found(e) };
    case "insights":
      if (!found) throw new ExpressionError("Berth answers Metrics Insights queries in GetMetricData only, not in alarms: alarm on a metric, or on metric math over metrics.");
      return { kind: "array", items: found(e) };
    case "removeEmpty": {
      const v = at(e.operand);
      return v.kind === "array" ? { kind: "array", items: v.items.filter((s) => s.points.size > 0) } : v;
    }
    case "neg":
      return combine({ kind: "scalar", value: 0 }, at(e.operand), "-");
    case "binary":
      return combine(at(e.left), at(e.right), e.op);
    case "array":
      throw new ExpressionError("An array ([...]) is only an argument of SUM, AVG, MIN or MAX.");
    case "call":
      return call(e.fn, e.args, at);
  }
}

const fold: Record<MathFunction, (xs: readonly number[]) => number> = {
  SUM: (xs) => xs.reduce((a, b) => a + b, 0),
  AVG: (xs) => xs.reduce((a, b) => a + b, 0) / xs.length,
  MIN: (xs) => Math.min(...xs),
  MAX: (xs) => Math.max(...xs),
};

function call(fn: MathFunction, args: readonly Expr[], at: (e: Expr) => Value): Value {
  const single = args.length === 1 && args[0]!.kind !== "array";
  const first = single ? at(args[0]!) : undefined;
  if (first?.kind === "scalar") return first;
  if (first?.kind === "series") {
    const values = [...first.points.values()];
    return { kind: "scalar", value: values.length === 0 ? Number.NaN : fold[fn](values) };
  }
  // An array, written ([a, b]) or found (SEARCH): one series, each point the function of the items' points at that time.
  const items = first ? [first] : args.flatMap((a) => (a.kind === "array" ? a.items : [a])).map(at);
  if (items.length === 0) throw new ExpressionError(`${fn} needs at least one argument.`);
  const series = items.flatMap((v) => (v.kind === "series" ? [v.points] : v.kind === "array" ? v.items.map((s) => s.points) : []));
  const scalars = items.flatMap((v) => (v.kind === "scalar" ? [v.value] : []));
  if (series.length === 0) return items.some((v) => v.kind === "array") ? { kind: "series", points: new Map() } : { kind: "scalar", value: fold[fn](scalars) };
  const times = new Set(series.flatMap((s) => [...s.keys()]));
  const points = new Map<number, number>();
  for (const t of [...times].sort((a, b) => a - b)) {
    const xs = [...series.flatMap((s) => (s.has(t) ? [s.get(t)!] : [])), ...scalars];
    points.set(t, fold[fn](xs));
  }
  return { kind: "series", points };
}

const ops: Record<"+" | "-" | "*" | "/", (a: number, b: number) => number> = {
  "+": (a, b) => a + b,
  "-": (a, b) => a - b,
  "*": (a, b) => a * b,
  "/": (a, b) => a / b,
};

function combine(a: Value, b: Value, op: "+" | "-" | "*" | "/"): Value {
  const f = ops[op];
  // An array series by series, each keeping its metric.
  if (a.kind === "array" || b.kind === "array") {
    if (a.kind === "array" && b.kind === "array") throw new ExpressionError("Two arrays of series (two SEARCHes) cannot be combined point by point: combine one of them with SUM, AVG, MIN or MAX first.");
    const each = (s: FoundSeries): FoundSeries => {
      const one: Value = { kind: "series", points: s.points };
      const v = a.kind === "array" ? combine(one, b, op) : combine(a, one, op);
      return { ...s, points: v.kind === "series" ? v.points : new Map() };
    };
    return { kind: "array", items: (a.kind === "array" ? a : (b as Extract<Value, { kind: "array" }>)).items.map(each) };
  }
  if (a.kind === "scalar" && b.kind === "scalar") return { kind: "scalar", value: f(a.value, b.value) };
  if (a.kind === "scalar" && b.kind === "series") return { kind: "series", points: new Map([...b.points].map(([t, v]) => [t, f(a.value, v)])) };
  if (a.kind === "series" && b.kind === "scalar") return { kind: "series", points: new Map([...a.points].map(([t, v]) => [t, f(v, b.value)])) };
  if (a.kind === "series" && b.kind === "series") {
    return { kind: "series", points: new Map([...a.points].flatMap(([t, v]) => (b.points.has(t) ? [[t, f(v, b.points.get(t)!)] as const] : []))) };
  }
  throw new ExpressionError("unreachable");
}
