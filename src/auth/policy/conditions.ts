import { malformed, type ConditionBlock } from "./document.js";
import { addressBytes, ipRange } from "./ip-range.js";
import { compileTemplate, hasVariables, plainText } from "./variables.js";
import { arnMatcher, wildcardMatcher } from "./wildcard.js";

/**
 * The request's context keys as conditions read them: names in lower case (IAM's keys are
 * case-insensitive), each a value or a list (multivalued keys such as `aws:TagKeys`). A key that is
 * absent is not in the record.
 */
export type RequestContext = Readonly<Record<string, string | readonly string[] | undefined>>;

/** A compiled `Condition` element: every operator, every key under it, must hold. */
export type ConditionTest = (ctx: RequestContext) => boolean;

/** One operator family: compiles the policy's values into a test of one request value. */
type Family = (values: readonly string[], op: string) => (value: string) => boolean;

const strings: Family = (values) => {
  const set = new Set(values);
  return (v) => set.has(v);
};
const stringsIgnoreCase: Family = (values) => {
  const set = new Set(values.map((x) => x.toLowerCase()));
  return (v) => set.has(v.toLowerCase());
};
const stringLike: Family = (values) => wildcardMatcher(values, { ignoreCase: false });
const arns: Family = (values) => arnMatcher(values);

function numbers(compare: (a: number, b: number) => boolean): Family {
  return (values, op) => {
    const parsed = values.map((x) => {
      const n = Number(x);
      if (x.trim() === "" || !Number.isFinite(n)) throw malformed(`Invalid Condition value ${x.slice(0, 64)} for ${op}: expected a number.`);
      return n;
    });
    return (v) => {
      const n = Number(v);
      return v.trim() !== "" && Number.isFinite(n) && parsed.some((p) => compare(n, p));
    };
  };
}

/** Dates as ISO 8601 or epoch seconds, as IAM reads them. */
function dateMs(x: string): number | undefined {
  if (/^\d+$/.test(x)) return Number(x) * 1000;
  const ms = Date.parse(x);
  return Number.isNaN(ms) ? undefined : ms;
}

function dates(compare: (a: number, b: number) => boolean): Family {
  return (values, op) => {
    const parsed = values.map((x) => dateMs(x) ?? failValue(x, op, "a date (ISO 8601 or epoch seconds)"));
    return (v) => {
      const ms = dateMs(v);
      return ms !== undefined && parsed.some((p) => compare(ms, p));
    };
  };
}

const bool: Family = (values, op) => {
  const wanted = new Set(values.map((x) => (x.toLowerCase() === "true" || x.toLowerCase() === "false" ? x.toLowerCase() : failValue(x, op, "true or false"))));
  return (v) => wanted.has(v.toLowerCase());
};

const ipAddress: Family = (values, op) => {
  const ranges = values.map((x) => ipRange(x) ?? failValue(x, op, "an IP address or CIDR block"));
  // The last address read, kept: a client sends request after request from the same address.
  let lastText: string | undefined;
  let lastBytes: Uint8Array | undefined;
  return (v) => {
    if (v !== lastText) {
      lastBytes = addressBytes(v);
      lastText = v;
    }
    const address = lastBytes;
    if (address === undefined) return false;
    for (const r of ranges) if (r(address)) return true;
    return false;
  };
};

function failValue(x: string, op: string, expected: string): never {
  throw malformed(`Invalid Condition value ${x.slice(0, 64)} for ${op}: expected ${expected}.`);
}

const lt = (a: number, b: number) => a < b;
const le = (a: number, b: number) => a <= b;
const gt = (a: number, b: number) => a > b;
const ge = (a: number, b: number) => a >= b;
const eq = (a: number, b: number) => a === b;

/** Each operator: its family, and whether it is the negation of that family's match. */
const operators: Readonly<Record<string, { readonly family: Family; readonly negated: boolean }>> = {
  StringEquals: { family: strings, negated: false },
  StringNotEquals: { family: strings, negated: true },
  StringEqualsIgnoreCase: { family: stringsIgnoreCase, negated: false },
  StringNotEqualsIgnoreCase: { family: stringsIgnoreCase, negated: true },
  StringLike: { family: stringLike, negated: false },
  StringNotLike: { family: stringLike, negated: true },
  NumericEquals: { family: numbers(eq), negated: false },
  NumericNotEquals: { family: numbers(eq), negated: true },
  NumericLessThan: { family: numbers(lt), negated: false },
  NumericLessThanEquals: { family: numbers(le), negated: false },
  NumericGreaterThan: { family: numbers(gt), negated: false },
  NumericGreaterThanEquals: { family: numbers(ge), negated: false },
  DateEquals: { family: dates(eq), negated: false },
  DateNotEquals: { family: dates(eq), negated: true },
  DateLessThan: { family: dates(lt), negated: false },
  DateLessThanEquals: { family: dates(le), negated: false },
  DateGreaterThan: { family: dates(gt), negated: false },
  DateGreaterThanEquals: { family: dates(ge), negated: false },
  Bool: { family: bool, negated: false },
  IpAddress: { family: ipAddress, negated: false },
  NotIpAddress: { family: ipAddress, negated: true },
  ArnEquals: { family: arns, negated: false },
  ArnLike: { family: arns, negated: false },
  ArnNotEquals: { family: arns, negated: true },
  ArnNotLike: { family: arns, negated: true },
};

/**
 * Compiles a `Condition` element (throws MalformedPolicyDocument for an unknown operator or a value
 * the operator cannot read). Semantics as IAM evaluates them: operators and keys are ANDed, a key's
 * values ORed; a negated operator holds for a key the request lacks, a positive one does not
 * (`…IfExists` holds then too); `Null` tests presence; `ForAllValues:`/`ForAnyValue:` compare
 * every/any value of a multivalued key. With `variables` (Version 2012-10-17), values holding
 * `${…}` are resolved per request (variables.ts); one that cannot be resolved fails its key's test.
 */
export function compileCondition(block: ConditionBlock, opts: { readonly variables: boolean } = { variables: false }): ConditionTest {
  const tests: ConditionTest[] = [];
  for (const [opName, keys] of Object.entries(block)) {
    for (const [key, values] of Object.entries(keys)) {
      tests.push(opts.variables && values.some(hasVariables) ? withVariables(opName, key.toLowerCase(), values) : compileOne(opName, key.toLowerCase(), values));
    }
  }
  return (ctx) => {
    for (const t of tests) if (!t(ctx)) return false;
    return true;
  };
}

/**
 * A key whose values hold variables: its operator is checked now (an unknown one is refused), its
 * values compiled per request once resolved. Values `${*}`/`${?}` resolve to `*`/`?`, which the
 * `…Like` operators then read as wildcards.
 */
function withVariables(opName: string, key: string, values: readonly string[]): ConditionTest {
  compileOne(opName, key, values.filter((v) => !hasVariables(v)));
  const templates = values.map(compileTemplate);
  return (ctx) => {
    const resolved = templates.map((t) => t(ctx));
    if (resolved.some((r) => r === undefined)) return false;
    try {
      return compileOne(opName, key, resolved.map((r) => plainText(r!)))(ctx);
    } catch {
      // A resolved value the operator cannot read (`NumericLessThan` of a user name) matches nothing.
      return false;
    }
  };
}

function compileOne(opName: string, key: string, values: readonly string[]): ConditionTest {
  const m = /^(ForAllValues:|ForAnyValue:)?(.+?)(IfExists)?$/.exec(opName);
  const set = m?.[1];
  const base = m?.[2] ?? "";
  const ifExists = m?.[3] !== undefined;
  if (base === "Null" && !set && !ifExists) {
    const wanted = values.map((v) => (v.toLowerCase() === "true" ? true : v.toLowerCase() === "false" ? false : failValue(v, opName, "true or false")));
    return (ctx) => wanted.includes(ctx[key] === undefined);
  }
  const op = Object.hasOwn(operators, base) ? operators[base] : undefined;
  if (!op) throw malformed(`Invalid Condition type : ${opName.slice(0, 64)}`);
  const match = op.family(values, opName);
  const one = (v: string): boolean => (op.negated ? !match(v) : match(v));
  return (ctx) => {
    const value = ctx[key];
    if (value === undefined) return set === "ForAllValues:" || ifExists || (op.negated && set === undefined);
    const list: readonly string[] = typeof value === "string" ? [value] : value;
    if (set === "ForAllValues:") return list.every(one);
    return list.some(one);
  };
}
