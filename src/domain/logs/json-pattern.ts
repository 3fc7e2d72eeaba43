import { compare, literal, type Comparison, type Literal } from "./value-match.js";
import { readQuoted } from "../quoted-text.js";

/**
 * CloudWatch's JSON pattern, `{ $.level = "error" && ($.latency > 100 || $.retry IS TRUE) }`:
 * selectors (`$.a.b`, `$.list[0].id`), `=` `!=` on text (with `*`) or numbers, `<` `>` `<=` `>=` on
 * numbers, `%regex%` values, `IS NULL`, `IS TRUE`, `IS FALSE`, `EXISTS`, `NOT EXISTS`, `&&`, `||`
 * and parentheses (`&&` binds tighter). An event that is not a JSON object matches nothing.
 */
export type JsonPattern =
  | { readonly kind: "and" | "or"; readonly left: JsonPattern; readonly right: JsonPattern }
  | { readonly kind: "compare"; readonly path: readonly (string | number)[]; readonly op: Comparison; readonly value: Literal }
  | { readonly kind: "is"; readonly path: readonly (string | number)[]; readonly what: "NULL" | "TRUE" | "FALSE" | "EXISTS" | "NOT EXISTS" };

type Token = { readonly t: "op" | "word" | "string"; readonly v: string };

export function parseJsonPattern(text: string): JsonPattern | { readonly invalid: string } {
  const body = text.trim();
  if (!body.startsWith("{") || !body.endsWith("}")) return { invalid: "a JSON pattern is enclosed in { }" };
  const tokens = tokenize(body.slice(1, -1));
  if ("invalid" in tokens) return tokens;
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const fail = (why: string) => {
    throw new PatternError(why);
  };

  const orExpr = (): JsonPattern => {
    let left = andExpr();
    while (peek()?.v === "||") {
      at++;
      left = { kind: "or", left, right: andExpr() };
    }
    return left;
  };
  const andExpr = (): JsonPattern => {
    let left = unary();
    while (peek()?.v === "&&") {
      at++;
      left = { kind: "and", left, right: unary() };
    }
    return left;
  };
  const unary = (): JsonPattern => {
    const tok = peek();
    if (tok?.t === "op" && tok.v === "(") {
      at++;
      const inner = orExpr();
      if (peek()?.v !== ")") fail("a '(' is not closed");
      at++;
      return inner;
    }
    return condition();
  };
  const condition = (): JsonPattern => {
    const sel = tokens[at++];
    if (sel?.t !== "word") return fail("expected a selector such as $.field");
    const path = selectorPath(sel.v);
    if (!path) return fail(`'${sel.v}' is not a selector such as $.field or $.list[0].id`);
    const op = tokens[at++];
    if (op?.t === "word" && (op.v === "IS" || op.v === "NOT" || op.v === "EXISTS")) {
      if (op.v === "EXISTS") return { kind: "is", path, what: "EXISTS" };
      const next = tokens[at++];
      if (op.v === "NOT" && next?.v === "EXISTS") return { kind: "is", path, what: "NOT EXISTS" };
      if (op.v === "IS" && (next?.v === "NULL" || next?.v === "TRUE" || next?.v === "FALSE")) return { kind: "is", path, what: next.v };
      return fail(`expected IS NULL, IS TRUE, IS FALSE, EXISTS or NOT EXISTS after ${sel.v}`);
    }
    if (op?.t !== "op" || !isComparison(op.v)) return fail(`expected a comparison after ${sel.v}`);
    const val = tokens[at++];
    if (!val || val.t === "op") return fail(`expected a value after ${sel.v} ${op.v}`);
    const value = literal(val.v, val.t === "string");
    if ("invalid" in value) return fail(value.invalid);
    if (op.v !== "=" && op.v !== "!=" && value.kind !== "number") return fail(`${op.v} compares numbers; '${val.v}' is not one`);
    return { kind: "compare", path, op: op.v, value };
  };

  try {
    const p = orExpr();
    if (at !== tokens.length) return { invalid: `unexpected '${tokens[at]!.v}'` };
    return p;
  } catch (e) {
    if (e instanceof PatternError) return { invalid: e.message };
    throw e;
  }
}

class PatternError extends Error {}

const comparisons: readonly string[] = ["=", "!=", "<", ">", "<=", ">="];
const isComparison = (v: string): v is Comparison => comparisons.includes(v);

function tokenize(s: string): Token[] | { readonly invalid: string } {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      const quoted = readQuoted(s, i);
      if (!quoted) return { invalid: "unterminated quoted value" };
      out.push({ t: "string", v: quoted.value });
      i = quoted.end;
    } else if (s.startsWith("&&", i) || s.startsWith("||", i) || s.startsWith("!=", i) || s.startsWith("<=", i) || s.startsWith(">=", i)) {
      out.push({ t: "op", v: s.slice(i, i + 2) });
      i += 2;
    } else if ("()=<>".includes(c)) {
      out.push({ t: "op", v: c });
      i++;
    } else if (c === "%") {
      const end = s.indexOf("%", i + 1);
      if (end < 0) return { invalid: "unterminated %regex%" };
      out.push({ t: "word", v: s.slice(i, end + 1) });
      i = end + 1;
    } else {
      let j = i;
      while (j < s.length && !/[\s()=<>!&|"]/.test(s[j]!)) j++;
      if (j === i) return { invalid: `unexpected '${c}'` };
      out.push({ t: "word", v: s.slice(i, j) });
      i = j;
    }
  }
  return out;
}

/** `$.a.b[2].c` → ["a", "b", 2, "c"]; undefined when it is not a selector. */
export function selectorPath(text: string): (string | number)[] | undefined {
  if (!text.startsWith("$")) return undefined;
  const path: (string | number)[] = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < text.length) {
    const m = re.exec(text);
    if (!m) return undefined;
    path.push(m[1] ?? Number(m[2]));
  }
  return path.length > 0 ? path : undefined;
}

const missing = Symbol("missing");

function lookup(doc: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = doc;
  for (const key of path) {
    if (typeof key === "number") {
      if (!Array.isArray(cur) || key >= cur.length) return missing;
      cur = cur[key];
    } else {
      if (typeof cur !== "object" || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, key)) return missing;
      cur = (cur as Record<string, unknown>)[key];
    }
  }
  return cur;
}

/** Whether a parsed JSON event satisfies the pattern. */
export function matchesJson(p: JsonPattern, doc: unknown): boolean {
  switch (p.kind) {
    case "and":
      return matchesJson(p.left, doc) && matchesJson(p.right, doc);
    case "or":
      return matchesJson(p.left, doc) || matchesJson(p.right, doc);
    case "is": {
      const v = lookup(doc, p.path);
      if (p.what === "EXISTS") return v !== missing;
      if (p.what === "NOT EXISTS") return v === missing;
      return p.what === "NULL" ? v === null : v === (p.what === "TRUE");
    }
    case "compare": {
      const v = lookup(doc, p.path);
      if (v === missing || v === null || typeof v === "object") return false;
      return compare(v, p.op, p.value);
    }
  }
}
