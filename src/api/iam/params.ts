import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";

/**
 * Reading a Query request's parameters against IAM's and STS's constraints (from their models):
 * a value that breaks one is a ValidationError in AWS's words, naming the member and the rule.
 */
export interface TextRule {
  readonly min?: number;
  readonly max: number;
  readonly pattern?: RegExp;
  /** The pattern as AWS states it in the message. */
  readonly patternText?: string;
}

export const rules = {
  name: { min: 1, max: 64, pattern: /^[\w+=,.@-]+$/, patternText: "[\\w+=,.@-]+" },
  policyName: { min: 1, max: 128, pattern: /^[\w+=,.@-]+$/, patternText: "[\\w+=,.@-]+" },
  path: { min: 1, max: 512, pattern: /^(\/|\/[\u0021-\u007E]+\/)$/, patternText: "((/[A-Za-z0-9\\.,\\+@=_-]+)*)/" },
  arn: { min: 20, max: 2048 },
  accessKeyId: { min: 16, max: 128, pattern: /^[\w]+$/, patternText: "[\\w]+" },
  document: { min: 1, max: 131072 },
  sessionName: { min: 2, max: 64, pattern: /^[\w+=,.@-]*$/, patternText: "[\\w+=,.@-]*" },
  description: { min: 0, max: 1000 },
} as const satisfies Record<string, TextRule>;

const camel = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);

const invalid = (value: string, member: string, constraint: string): AwsError =>
  new AwsError("ValidationException", `1 validation error detected: Value '${excerpt(value)}' at '${camel(member)}' failed to satisfy constraint: ${constraint}`);

/** A required text parameter. */
export function required(params: Readonly<Record<string, unknown>>, member: string, rule: TextRule): string {
  const v = params[member];
  if (v === undefined) throw new AwsError("ValidationException", `1 validation error detected: Value null at '${camel(member)}' failed to satisfy constraint: Member must not be null`);
  return check(v, member, rule);
}

/** An optional text parameter. */
export function optional(params: Readonly<Record<string, unknown>>, member: string, rule: TextRule): string | undefined {
  const v = params[member];
  return v === undefined ? undefined : check(v, member, rule);
}

function check(v: unknown, member: string, rule: TextRule): string {
  if (typeof v !== "string") throw new AwsError("ValidationException", `1 validation error detected: Value at '${camel(member)}' failed to satisfy constraint: Member must be a string`);
  if (v.length < (rule.min ?? 0)) throw invalid(v, member, `Member must have length greater than or equal to ${rule.min ?? 0}`);
  if (v.length > rule.max) throw invalid(v, member, `Member must have length less than or equal to ${rule.max}`);
  if (rule.pattern && !rule.pattern.test(v)) throw invalid(v, member, `Member must satisfy regular expression pattern: ${rule.patternText ?? rule.pattern.source}`);
  return v;
}

/** An optional integer parameter within [min, max]. */
export function optionalInt(params: Readonly<Record<string, unknown>>, member: string, min: number, max: number): number | undefined {
  const raw = params[member];
  if (raw === undefined) return undefined;
  const v = typeof raw === "string" ? raw : "(a structure)";
  const n = /^-?\d{1,10}$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n)) throw new AwsError("ValidationException", `1 validation error detected: Value '${excerpt(v)}' at '${camel(member)}' failed to satisfy constraint: Member must be an integer`);
  if (n < min) throw invalid(v, member, `Member must have value greater than or equal to ${min}`);
  if (n > max) throw invalid(v, member, `Member must have value less than or equal to ${max}`);
  return n;
}

/** An optional boolean parameter (`true`/`false`). */
export function optionalBool(params: Readonly<Record<string, unknown>>, member: string): boolean | undefined {
  const v = params[member];
  if (v === undefined) return undefined;
  if (v === "true" || v === "false") return v === "true";
  throw new AwsError("ValidationException", `1 validation error detected: Value '${excerpt(typeof v === "string" ? v : "(a structure)")}' at '${camel(member)}' failed to satisfy constraint: Member must be true or false`);
}

/** An optional list of text values (`Names.member.N`). */
export function optionalList(params: Readonly<Record<string, unknown>>, member: string, rule: TextRule, maxItems = 1000): string[] | undefined {
  const v = params[member];
  if (v === undefined) return undefined;
  if (v === "") return [];
  if (!Array.isArray(v)) throw new AwsError("ValidationException", `1 validation error detected: Value at '${camel(member)}' failed to satisfy constraint: Member must be a list`);
  if (v.length > maxItems) throw new AwsError("ValidationException", `1 validation error detected: Value at '${camel(member)}' failed to satisfy constraint: Member must have at most ${maxItems} items`);
  return v.map((x) => check(x, member, rule));
}

/** Tags (`Tags.member.N.Key`/`.Value`): at most 50, keys 1–128, values up to 256. */
export function optionalTags(params: Readonly<Record<string, unknown>>): { Key: string; Value: string }[] {
  const v = params.Tags;
  // An empty list travels as `Tags=` in the Query protocol.
  if (v === undefined || v === "") return [];
  if (!Array.isArray(v) || v.length > 50) throw new AwsError("ValidationException", "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50");
  return v.map((t: unknown) => {
    const o = typeof t === "object" && t !== null ? (t as Record<string, unknown>) : {};
    return { Key: required(o, "Key", { min: 1, max: 128 }), Value: optional(o, "Value", { min: 0, max: 256 }) ?? "" };
  });
}
