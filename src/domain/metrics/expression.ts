/**
 * CloudWatch metric math, the part Berth offers: numbers, the ids of other queries, `+ - * /`,
 * parentheses, and SUM, AVG, MIN, MAX of an array (`SUM([m1, m2])`, one series, each point the
 * function of the series' points at that time) or of one series (a scalar over all its points).
 * A series and a scalar combine point by point; two series combine where both have a point.
 * Parsing and evaluating are pure; a problem is an `ExpressionError` whose message says what to fix.
 */
export type Series = ReadonlyMap<number, number>;
export type Value = { readonly kind: "scalar"; readonly value: number } | { readonly kind: "series"; readonly points: Series };

export type Expr =
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "id"; readonly id: string }
  | { readonly kind: "neg"; readonly operand: Expr }
  | { readonly kind: "binary"; readonly op: "+" | "-" | "*" | "/"; readonly left: Expr; readonly right: Expr }
  | { readonly kind: "call"; readonly fn: MathFunction; readonly args: readonly Expr[] }
  | { readonly kind: "array"; readonly items: readonly Expr[] };

export const mathFunctions = ["SUM", "AVG", "MIN", "MAX"] as const;
export type MathFunction = (typeof mathFunctions)[number];

export class ExpressionError extends Error {
  override readonly name = "ExpressionError";
}

const token = /\s*(?:(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/()[\],]))/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  token.lastIndex = 0;
  while (token.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(token.lastIndex))) break;
    const at = token.lastIndex;
    const m = token.exec(text);
    if (!m) throw new ExpressionError(`Unexpected character at position ${at + 1} of the expression.`);
    out.push(m[1] ?? m[2] ?? m[3]!);
  }
  return out;
}

const unknownFunction = (name: string): ExpressionError => new ExpressionError(`Unknown function ${name.slice(0, 64)}: Berth offers ${mathFunctions.join(", ")}.`);

/** Parses an expression; the ids it names are in `idsOf`. */
export function parseExpression(text: string): Expr {
  if (text.length > 1024) throw new ExpressionError("The expression is longer than 1024 characters.");
  if (/^\s*SELECT\b/i.test(text)) {
    throw new ExpressionError("Metrics Insights queries (SELECT …) are not available in Berth: query each metric with a MetricStat, and combine them with metric math (SUM, AVG, MIN, MAX, + - * /).");
  }
  // An outer function Berth lacks (SEARCH, METRICS, FILL, …) is named before its arguments (quoted strings, say) trip the tokenizer.
  const outer = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(text)?.[1];
  if (outer !== undefined && !mathFunctions.some((f) => f === outer.toUpperCase())) throw unknownFunction(outer);
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
      const fn = mathFunctions.find((f) => f === t.toUpperCase());
      if (!fn) throw unknownFunction(t);
      i++;
      return { kind: "call", fn, args: list(")") };
    }
    throw new ExpressionError(`Unexpected '${t}' in the expression.`);
  };
  const e = sum();
  if (i < tokens.length) throw new ExpressionError(`Unexpected '${tokens[i]}' in the expression.`);
  return e;
}

/** The ids an expression reads. */
export function idsOf(e: Expr): string[] {
  switch (e.kind) {
    case "id":
      return [e.id];
    case "number":
      return [];
    case "neg":
      return idsOf(e.operand);
    case "binary":
      return [...idsOf(e.left), ...idsOf(e.right)];
    case "call":
      return e.args.flatMap(idsOf);
    case "array":
      return e.items.flatMap(idsOf);
  }
}

/** Evaluates an expression with each id's series (or scalar) from `lookup`. */
export function evaluate(e: Expr, lookup: (id: string) => Value | undefined): Value {
  switch (e.kind) {
    case "number":
      return { kind: "scalar", value: e.value };
    case "id": {
      const v = lookup(e.id);
      if (!v) throw new ExpressionError(`The expression names '${e.id}', which is not the Id of another query in this request.`);
      return v;
    }
    case "neg":
      return combine({ kind: "scalar", value: 0 }, evaluate(e.operand, lookup), "-");
    case "binary":
      return combine(evaluate(e.left, lookup), evaluate(e.right, lookup), e.op);
    case "array":
      throw new ExpressionError("An array ([...]) is only an argument of SUM, AVG, MIN or MAX.");
    case "call":
      return call(e.fn, e.args, lookup);
  }
}

const fold: Record<MathFunction, (xs: readonly number[]) => number> = {
  SUM: (xs) => xs.reduce((a, b) => a + b, 0),
  AVG: (xs) => xs.reduce((a, b) => a + b, 0) / xs.length,
  MIN: (xs) => Math.min(...xs),
  MAX: (xs) => Math.max(...xs),
};

function call(fn: MathFunction, args: readonly Expr[], lookup: (id: string) => Value | undefined): Value {
  const single = args.length === 1 && args[0]!.kind !== "array";
  if (single) {
    const v = evaluate(args[0]!, lookup);
    if (v.kind === "scalar") return v;
    const values = [...v.points.values()];
    return { kind: "scalar", value: values.length === 0 ? Number.NaN : fold[fn](values) };
  }
  const items = args.flatMap((a) => (a.kind === "array" ? a.items : [a])).map((a) => evaluate(a, lookup));
  if (items.length === 0) throw new ExpressionError(`${fn} needs at least one argument.`);
  const series = items.filter((v): v is Extract<Value, { kind: "series" }> => v.kind === "series");
  const scalars = items.flatMap((v) => (v.kind === "scalar" ? [v.value] : []));
  if (series.length === 0) return { kind: "scalar", value: fold[fn](scalars) };
  const times = new Set(series.flatMap((s) => [...s.points.keys()]));
  const points = new Map<number, number>();
  for (const t of [...times].sort((a, b) => a - b)) {
    const xs = [...series.flatMap((s) => (s.points.has(t) ? [s.points.get(t)!] : [])), ...scalars];
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
  if (a.kind === "scalar" && b.kind === "scalar") return { kind: "scalar", value: f(a.value, b.value) };
  if (a.kind === "scalar" && b.kind === "series") return { kind: "series", points: new Map([...b.points].map(([t, v]) => [t, f(a.value, v)])) };
  if (a.kind === "series" && b.kind === "scalar") return { kind: "series", points: new Map([...a.points].map(([t, v]) => [t, f(v, b.value)])) };
  if (a.kind === "series" && b.kind === "series") {
    return { kind: "series", points: new Map([...a.points].flatMap(([t, v]) => (b.points.has(t) ? [[t, f(v, b.points.get(t)!)] as const] : []))) };
  }
  throw new ExpressionError("unreachable");
}
