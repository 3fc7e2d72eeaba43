import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";

/**
 * Readers of EC2 Query parameters (lists are `Name.N`, decoded by aws-query/form.ts into arrays),
 * each refusing a wrong value with EC2's codes.
 */
export type Params = Readonly<Record<string, unknown>>;

export const invalidValue = (message: string): AwsError => new AwsError("InvalidParameterValue", message);
export const missing = (name: string): AwsError => new AwsError("MissingParameter", `The request must contain the parameter ${name}`);

export function optString(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw invalidValue(`Parameter ${name} takes one value, not a list or structure.`);
  return v;
}

export function reqString(p: Params, name: string): string {
  const v = optString(p, name);
  if (v === undefined || v === "") throw missing(name);
  return v;
}

export function optInt(p: Params, name: string): number | undefined {
  const v = optString(p, name);
  if (v === undefined) return undefined;
  if (!/^-?\d{1,6}$/.test(v)) throw invalidValue(`Invalid value '${excerpt(v, 40)}' for ${name}: an integer is expected.`);
  return Number(v);
}

/** A `Name.N` list of strings; absent is empty. */
export function stringList(p: Params, name: string): string[] {
  const v = p[name];
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === "string")) throw invalidValue(`Parameter ${name} is a list of values: ${name}.1, ${name}.2, …`);
  return v;
}

/** A `Name.N.Member` list of structures; absent is empty. */
export function structList(p: Params, name: string): Params[] {
  const v = p[name];
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x): x is Params => typeof x === "object" && x !== null && !Array.isArray(x))) {
    throw invalidValue(`Parameter ${name} is a list of structures: ${name}.1.<Member>, ${name}.2.<Member>, …`);
  }
  return v;
}
