import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";

/**
 * Readers of CloudWatch inputs as any of its three front doors decodes them: the Query protocol
 * (every value a string, lists as arrays), AWS JSON 1.0 (numbers, timestamps as epoch seconds) and
 * RPC v2 CBOR (numbers, timestamps as tag-1 values). Each refuses a wrong value in CloudWatch's
 * words, naming the parameter.
 */
export type Params = Readonly<Record<string, unknown>>;

export const invalid = (name: string, value: unknown, why = ""): AwsError =>
  new AwsError("InvalidParameterValueException", `The value ${excerpt(typeof value === "string" ? value : JSON.stringify(value) ?? String(value), 80)} for parameter ${name} is invalid.${why ? ` ${why}` : ""}`);

export const missing = (name: string): AwsError => new AwsError("MissingRequiredParameterException", `The parameter ${name} is required.`);

/** A string member; `label` is how messages name it (its path in the request), the member name by default. */
export function optString(p: Params, name: string, max = 1024, label = name): string | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw invalid(label, v, "It must be a string.");
  if (v.length > max) throw invalid(label, v, `It must be at most ${max} characters long.`);
  if (notXml.test(v)) throw invalid(label, v, controlCharacters);
  return v;
}

/** Characters XML 1.0 cannot carry, which the Query protocol's answers (the AWS CLI's) would have to. */
const notXml = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const controlCharacters = "It must not contain control characters other than tab, line feed and carriage return: CloudWatch answers in XML, which cannot carry them.";

export function reqString(p: Params, name: string, max = 1024, label = name): string {
  const v = optString(p, name, max, label);
  if (v === undefined || v === "") throw missing(label);
  return v;
}

export function optNumber(p: Params, name: string): number | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) throw invalid(name, v, "It must be a finite number.");
  return n;
}

export function optInt(p: Params, name: string, min: number, max: number): number | undefined {
  const n = optNumber(p, name);
  if (n === undefined) return undefined;
  if (!Number.isInteger(n) || n < min || n > max) throw invalid(name, p[name], `It must be a whole number from ${min} to ${max}.`);
  return n;
}

export function optBool(p: Params, name: string): boolean | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  throw invalid(name, v, "It must be true or false.");
}

/** A timestamp: ISO 8601 or epoch seconds (Query), epoch seconds (JSON), a tag-1 value or Date (CBOR). */
export function optTime(p: Params, name: string): number | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  let ms = Number.NaN;
  if (v instanceof Date) ms = v.getTime();
  else if (typeof v === "number") ms = v * 1000;
  else if (typeof v === "string") ms = /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(v);
  else if (typeof v === "object" && "tag" in v && "value" in v && v.tag === 1 && typeof v.value === "number") ms = v.value * 1000;
  if (!Number.isFinite(ms)) throw invalid(name, v, "It must be a timestamp (ISO 8601 or seconds since the epoch).");
  return ms;
}

export function reqTime(p: Params, name: string): number {
  const t = optTime(p, name);
  if (t === undefined) throw missing(name);
  return t;
}

export function optList(p: Params, name: string, max: number): Params[] | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (v === "") return [];
  if (!Array.isArray(v)) throw invalid(name, v, "It must be a list.");
  if (v.length > max) throw new AwsError("InvalidParameterValueException", `The collection ${name} must not have a size greater than ${max}.`);
  return v.map((item: unknown) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) throw invalid(name, item, "Its members must be structures.");
    return item as Params;
  });
}

export function optStruct(p: Params, name: string): Params | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw invalid(name, v, "It must be a structure.");
  return v as Params;
}

export function optStrings(p: Params, name: string, max: number): string[] | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (v === "") return [];
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === "string")) throw invalid(name, v, "It must be a list of strings.");
  if (v.length > max) throw new AwsError("InvalidParameterValueException", `The collection ${name} must not have a size greater than ${max}.`);
  for (const [i, x] of v.entries()) if (notXml.test(x)) throw invalid(`${name}.member.${i + 1}`, x, controlCharacters);
  return v;
}

export function optNumbers(p: Params, name: string, max: number): number[] | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (v === "") return [];
  if (!Array.isArray(v)) throw invalid(name, v, "It must be a list of numbers.");
  if (v.length > max) throw new AwsError("InvalidParameterValueException", `The collection ${name} must not have a size greater than ${max}.`);
  return v.map((_, i) => optNumber(v as unknown as Params, String(i)) ?? Number.NaN);
}
