import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";

/**
 * Readers of Query parameters (every value a string, lists and structures as decoded by
 * aws-query/form.ts), each refusing a wrong value with ValidationError naming the member.
 */
export type Params = Readonly<Record<string, unknown>>;

export const validation = (message: string): AwsError => new AwsError("ValidationException", message);

export function optString(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw validation(`${name} must be a single value.`);
  return v;
}

export function reqString(p: Params, name: string): string {
  const v = optString(p, name);
  if (v === undefined || v === "") throw validation(`1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`);
  return v;
}

export function optInt(p: Params, name: string, min: number, max: number): number | undefined {
  const v = optString(p, name);
  if (v === undefined) return undefined;
  if (!/^-?\d{1,10}$/.test(v) || Number(v) < min || Number(v) > max) {
    throw validation(`1 validation error detected: Value '${excerpt(v, 40)}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must have value between ${min} and ${max}`);
  }
  return Number(v);
}

export function optBool(p: Params, name: string): boolean | undefined {
  const v = optString(p, name);
  if (v === undefined) return undefined;
  if (v !== "true" && v !== "false") throw validation(`${name} must be true or false, not '${excerpt(v, 40)}'.`);
  return v === "true";
}

export function optEnum<T extends string>(p: Params, name: string, allowed: readonly T[]): T | undefined {
  const v = optString(p, name);
  if (v === undefined) return undefined;
  const found = allowed.find((a) => a === v);
  if (found === undefined) {
    throw validation(`1 validation error detected: Value '${excerpt(v, 40)}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(", ")}]`);
  }
  return found;
}

export function optList(p: Params, name: string): Params[] | undefined {
  const v = p[name];
  if (v === undefined || v === "") return v === "" ? [] : undefined;
  if (!Array.isArray(v)) throw validation(`${name} must be a list (${name}.member.N).`);
  return v.map((item: unknown, i) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) throw validation(`${name}.member.${i + 1} must be a structure.`);
    return item as Params;
  });
}

export function optStrings(p: Params, name: string): string[] | undefined {
  const v = p[name];
  if (v === undefined || v === "") return v === "" ? [] : undefined;
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === "string")) throw validation(`${name} must be a list of strings (${name}.member.N).`);
  return v;
}

export function optStruct(p: Params, name: string): Params | undefined {
  const v = p[name];
  if (v === undefined) return undefined;
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw validation(`${name} must be a structure.`);
  return v as Params;
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** ELB names: 1–32 alphanumerics or hyphens, not starting or ending with a hyphen. */
export function checkName(kind: "load balancer" | "target group", name: string): string {
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/.test(name) || (kind === "load balancer" && name.startsWith("internal-"))) {
    throw validation(`The ${kind} name '${excerpt(name, 40)}' is not valid: use 1 to 32 alphanumeric characters or hyphens, not beginning or ending with a hyphen.`);
  }
  return name;
}
