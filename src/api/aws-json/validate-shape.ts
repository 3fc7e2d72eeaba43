import { NormalizedSchema } from "@smithy/core/schema";
import type { StaticStructureSchema } from "@smithy/types";
import { AwsError, type ErrorName } from "../../errors/catalog.js";
import { numberKind, numberProblem } from "./number-kinds.js";
import { excerpt } from "../../observability/excerpt.js";

/**
 * Checks parsed JSON against an operation's input shape, taken from the AWS SDK's own schema for the
 * service (the same model the SDKs serialise with): member types, required members (a structure's
 * first N members, N being the schema's required count), lists, maps and nested structures. Nulls
 * are dropped, as AWS treats them as absent; unknown members are dropped, as AWS ignores them.
 * Numbers must fit the model's type: an Integer is a whole number in the signed 32-bit range, a
 * Long one in the 64-bit range (number-kinds.ts). Enumerations and other ranges are the domain's to
 * check, with the service's own messages.
 *
 * Returns the cleaned value; throws SerializationException for a wrong type (a number that is not
 * the model's Integer or Long included) and InvalidParameterException for a missing required
 * member (or `missingMember`, the service's name for it), naming the member's path.
 */
export function validateShape(schema: StaticStructureSchema, value: unknown, missingMember: ErrorName = "InvalidParameterException"): Record<string, unknown> {
  try {
    const cleaned = check(NormalizedSchema.of(schema), value, "");
    return isObject(cleaned) ? cleaned : {};
  } catch (e) {
    // A missing required member is the only InvalidParameterException raised here; services without that name (EventBridge) say ValidationException.
    if (e instanceof AwsError && e.code === "InvalidParameterException" && missingMember !== e.code) throw new AwsError(missingMember, e.message, e.fields);
    throw e;
  }
}

function check(s: NormalizedSchema, value: unknown, path: string, kind = numberKind(undefined, undefined)): unknown {
  if (s.isStructSchema()) return checkStruct(s, value, path);
  if (s.isListSchema()) {
    if (!Array.isArray(value)) throw typeError(path, "a list", value);
    const item = s.getValueSchema();
    return value.filter((v) => v !== null).map((v, i) => check(item, v, `${path}[${i}]`, kind));
  }
  if (s.isMapSchema()) {
    if (!isObject(value)) throw typeError(path, "a map", value);
    const item = s.getValueSchema();
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null)
        // A map key is the client's text: the path that names it in a message quotes an excerpt.
        .map(([k, v]) => [k, check(item, v, `${path}.${excerpt(k)}`, kind)]),
    );
  }
  if (s.isDocumentSchema()) return value;
  if (s.isBooleanSchema()) {
    if (typeof value !== "boolean") throw typeError(path, "a boolean", value);
    return value;
  }
  if (s.isNumericSchema() || s.isBigIntegerSchema() || s.isBigDecimalSchema()) {
    if (typeof value !== "number" || !Number.isFinite(value)) throw typeError(path, "a number", value);
    const problem = s.isNumericSchema() ? numberProblem(kind, value) : undefined;
    if (problem !== undefined) throw new AwsError("SerializationException", `Expected ${problem} for '${path}', but got ${value}.`);
    return value;
  }
  if (s.isTimestampSchema()) {
    if (typeof value !== "number" && typeof value !== "string") throw typeError(path, "a timestamp", value);
    return value;
  }
  // Strings and blobs (base64 text) alike.
  if (typeof value !== "string") throw typeError(path, "a string", value);
  return value;
}

function checkStruct(s: NormalizedSchema, value: unknown, path: string): Record<string, unknown> {
  if (!isObject(value)) throw typeError(path, "a structure", value);
  const requiredCount = requiredMembers(s);
  const out: Record<string, unknown> = {};
  let index = 0;
  const structure = s.getName(true);
  for (const [name, member] of s.structIterator()) {
    const v = value[name];
    const memberPath = path ? `${path}.${name}` : name;
    if (v === undefined || v === null) {
      if (index < requiredCount) {
        throw new AwsError("InvalidParameterException", `Missing required parameter '${memberPath}'.`);
      }
    } else {
      out[name] = check(member, v, memberPath, numberKind(structure, name));
    }
    index++;
  }
  return out;
}

function requiredMembers(s: NormalizedSchema): number {
  const raw = s.getSchema();
  return Array.isArray(raw) && raw[0] === 3 && typeof raw[6] === "number" ? raw[6] : 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeError(path: string, expected: string, got: unknown): AwsError {
  const kind = got === null ? "null" : Array.isArray(got) ? "a list" : typeof got === "object" ? "a structure" : `a ${typeof got}`;
  const where = path ? `'${path}'` : "the request body";
  return new AwsError("SerializationException", `Expected ${expected} for ${where}, but got ${kind}.`);
}
