/**
 * EventBridge event patterns (content filtering), compiled once and matched against events. Pure.
 *
 * A pattern is a JSON object whose fields are either nested patterns (for nested event fields) or
 * arrays of matchers, any of which may match (arrays are OR). A matcher is a value matched exactly
 * (string, number, boolean, null) or one of `prefix`, `suffix`, `anything-but`, `numeric`, `exists`,
 * `equals-ignore-case`, `wildcard`, `cidr`. `$or` holds alternative patterns for its level. An
 * event field that is an array matches when any of its elements does.
 */
export type Scalar = string | number | boolean | null;

type Matcher =
  | { readonly t: "exact"; readonly v: Scalar }
  | { readonly t: "prefix" | "suffix"; readonly v: string; readonly ignoreCase: boolean }
  | { readonly t: "anything-but"; readonly values: readonly Scalar[] }
  | { readonly t: "anything-but-prefix" | "anything-but-suffix"; readonly v: string }
  | { readonly t: "numeric"; readonly checks: readonly (readonly [NumericOp, number])[] }
  | { readonly t: "exists"; readonly v: boolean }
  | { readonly t: "equals-ignore-case"; readonly v: string }
  | { readonly t: "wildcard"; readonly re: RegExp }
  | { readonly t: "cidr"; readonly network: number; readonly mask: number };

type NumericOp = "=" | "<" | "<=" | ">" | ">=";
const numericOps: readonly string[] = ["=", "<", "<=", ">", ">="];

type Field = { readonly key: string; readonly nested: CompiledPattern } | { readonly key: string; readonly matchers: readonly Matcher[] };

export interface CompiledPattern {
  readonly fields: readonly Field[];
  /** `$or`: at least one of these must match at this level too. */
  readonly or?: readonly CompiledPattern[] | undefined;
}

/** Why a pattern is not valid, in words for EventBridge's InvalidEventPatternException. */
export class PatternError extends Error {
  override readonly name = "PatternError";
}

/** Compiles a pattern's JSON text, or throws PatternError saying what is wrong. */
export function compilePattern(text: string): CompiledPattern {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PatternError("it is not valid JSON");
  }
  if (!isObject(parsed)) throw new PatternError("an event pattern must be a JSON object");
  if (Object.keys(parsed).length === 0) throw new PatternError("an event pattern must have at least one field");
  return compileObject(parsed, "");
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): v is Scalar => v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean";

function compileObject(o: Record<string, unknown>, path: string): CompiledPattern {
  const fields: Field[] = [];
  let or: CompiledPattern[] | undefined;
  for (const [key, value] of Object.entries(o)) {
    const at = path === "" ? key : `${path}.${key}`;
    if (key === "$or") {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) throw new PatternError(`$or at '${at}' must be an array of at least two patterns`);
      or = value.map((v) => compileObject(v, path));
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw new PatternError(`the array at '${at}' is empty: give at least one value to match`);
      fields.push({ key, matchers: value.map((m) => compileMatcher(m, at)) });
    } else if (isObject(value)) {
      if (Object.keys(value).length === 0) throw new PatternError(`the object at '${at}' is empty`);
      fields.push({ key, nested: compileObject(value, at) });
    } else {
      throw new PatternError(`the value at '${at}' must be an object or an array of values to match`);
    }
  }
  return { fields, or };
}

function compileMatcher(m: unknown, at: string): Matcher {
  if (isScalar(m)) return { t: "exact", v: m };
  if (!isObject(m)) throw new PatternError(`match values at '${at}' must be strings, numbers, true, false, null or an object of one operator`);
  const entries = Object.entries(m);
  const [op, arg] = entries[0] ?? [];
  if (entries.length !== 1 || op === undefined) throw new PatternError(`a matching object at '${at}' must hold exactly one operator`);
  const str = (what: string): string => {
    if (typeof arg !== "string") throw new PatternError(`${what} at '${at}' takes a string`);
    return arg;
  };
  switch (op) {
    case "prefix":
    case "suffix":
      if (isObject(arg) && typeof arg["equals-ignore-case"] === "string" && Object.keys(arg).length === 1) return { t: op, v: arg["equals-ignore-case"].toLowerCase(), ignoreCase: true };
      return { t: op, v: str(op), ignoreCase: false };
    case "equals-ignore-case":
      return { t: op, v: str(op).toLowerCase() };
    case "exists":
      if (typeof arg !== "boolean") throw new PatternError(`exists at '${at}' takes true or false`);
      return { t: "exists", v: arg };
    case "anything-but":
      return anythingBut(arg, at);
    case "numeric":
      return numeric(arg, at);
    case "wildcard": {
      const w = str(op);
      if (w.includes("**")) throw new PatternError(`wildcard at '${at}' may not hold consecutive '*' characters`);
      return { t: "wildcard", re: new RegExp(`^${w.split("*").map(escapeRegExp).join(".*")}$`, "s") };
    }
    case "cidr":
      return cidr(str(op), at);
    default:
      throw new PatternError(`unrecognized match type '${op.slice(0, 64)}' at '${at}'`);
  }
}

function anythingBut(arg: unknown, at: string): Matcher {
  if (isObject(arg)) {
    const [[op, v] = []] = Object.entries(arg);
    if (Object.keys(arg).length === 1 && (op === "prefix" || op === "suffix") && typeof v === "string" && v !== "") return { t: op === "prefix" ? "anything-but-prefix" : "anything-but-suffix", v };
    throw new PatternError(`anything-but at '${at}' takes a value, an array of values, or {"prefix": …} / {"suffix": …} with a non-empty string`);
  }
  const values = Array.isArray(arg) ? arg : [arg];
  if (values.length === 0 || !values.every((v) => typeof v === "string" || typeof v === "number")) throw new PatternError(`anything-but at '${at}' takes strings or numbers`);
  return { t: "anything-but", values };
}

function numeric(arg: unknown, at: string): Matcher {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0 || arg.length > 4) throw new PatternError(`numeric at '${at}' takes one or two comparisons, such as [">", 0, "<=", 5]`);
  const checks: (readonly [NumericOp, number])[] = [];
  for (let i = 0; i < arg.length; i += 2) {
    const op: unknown = arg[i];
    const n: unknown = arg[i + 1];
    if (typeof op !== "string" || !numericOps.includes(op)) throw new PatternError(`numeric at '${at}' has an unknown operator; use =, <, <=, > or >=`);
    if (typeof n !== "number") throw new PatternError(`numeric at '${at}' compares with numbers only`);
    checks.push([op as NumericOp, n]);
  }
  const [first, second] = checks;
  if (second && (first?.[0] === "=" || second[0] === "=" || first?.[0].startsWith(">") !== second[0].startsWith("<"))) {
    throw new PatternError(`numeric at '${at}' takes a lower bound then an upper bound, such as [">", 0, "<=", 5]`);
  }
  return { t: "numeric", checks };
}

function cidr(text: string, at: string): Matcher {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  const parts = m?.slice(1, 5).map(Number) ?? [];
  const bits = Number(m?.[5]);
  if (!m || parts.some((p) => p > 255) || bits > 32) throw new PatternError(`cidr at '${at}' takes an IPv4 block such as 10.0.0.0/24`);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return { t: "cidr", network: (ipv4(parts) & mask) >>> 0, mask };
}

const ipv4 = (p: readonly number[]): number => (((p[0] ?? 0) << 24) | ((p[1] ?? 0) << 16) | ((p[2] ?? 0) << 8) | (p[3] ?? 0)) >>> 0;
const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Whether `event` (any JSON value, normally an event object) matches the compiled pattern. */
export function matchesPattern(pattern: CompiledPattern, event: unknown): boolean {
  const o = isObject(event) ? event : undefined;
  for (const f of pattern.fields) {
    const value = o?.[f.key];
    if ("nested" in f ? !matchesNested(f.nested, value) : !matchesLeaf(f.matchers, value)) return false;
  }
  return pattern.or === undefined || pattern.or.some((p) => matchesPattern(p, event));
}

/** A nested pattern against a field that may be absent: only `exists: false` patterns match an absent field. */
function matchesNested(p: CompiledPattern, value: unknown): boolean {
  if (Array.isArray(value)) return value.some((v) => matchesPattern(p, v));
  return matchesPattern(p, value);
}

function matchesLeaf(matchers: readonly Matcher[], value: unknown): boolean {
  if (Array.isArray(value)) return matchers.some((m) => (m.t === "exists" ? m.v : value.some((v) => matches(m, v))));
  return matchers.some((m) => matches(m, value));
}

function matches(m: Matcher, v: unknown): boolean {
  if (m.t === "exists") return m.v === (v !== undefined);
  if (v === undefined || isObject(v)) return false;
  switch (m.t) {
    case "exact":
      return v === m.v;
    case "prefix":
      return typeof v === "string" && (m.ignoreCase ? v.toLowerCase() : v).startsWith(m.v);
    case "suffix":
      return typeof v === "string" && (m.ignoreCase ? v.toLowerCase() : v).endsWith(m.v);
    case "equals-ignore-case":
      return typeof v === "string" && v.toLowerCase() === m.v;
    case "anything-but":
      return !m.values.includes(v as Scalar);
    case "anything-but-prefix":
      return typeof v === "string" && !v.startsWith(m.v);
    case "anything-but-suffix":
      return typeof v === "string" && !v.endsWith(m.v);
    case "numeric":
      return typeof v === "number" && m.checks.every(([op, n]) => compare(op, v, n));
    case "wildcard":
      return typeof v === "string" && m.re.test(v);
    case "cidr": {
      const p = typeof v === "string" ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v) : null;
      return p !== null && ((ipv4(p.slice(1, 5).map(Number)) & m.mask) >>> 0) === m.network;
    }
  }
}

function compare(op: NumericOp, v: number, n: number): boolean {
  switch (op) {
    case "=":
      return v === n;
    case "<":
      return v < n;
    case "<=":
      return v <= n;
    case ">":
      return v > n;
    case ">=":
      return v >= n;
  }
}
