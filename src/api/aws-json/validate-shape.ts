import { NormalizedSchema } from "@smithy/core/schema";
import type { StaticStructureSchema } from "@smithy/types";
import { AwsError, type ErrorName } from "../../errors/catalog.js";
import { numberKind, numberProblem, type NumberKind } from "./number-kinds.js";
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
    const cleaned = compiled(schema)(value);
    return isObject(cleaned) ? cleaned : {};
  } catch (e) {
    const error = e instanceof ShapeProblem ? e.error() : e;
    // A missing required member is the only InvalidParameterException raised here; services without that name (EventBridge) say ValidationException.
    if (error instanceof AwsError && error.code === "InvalidParameterException" && missingMember !== error.code) throw new AwsError(missingMember, error.message, error.fields);
    throw error;
  }
}

/**
 * A checker per shape, made once from the SDK's schema and kept: a request's members are checked
 * without walking the schema's objects again. Paths are not built while checking (a PutLogEvents of
 * 10,000 events would build 30,000 strings): a problem names its place as it travels out.
 */
type Checker = (value: unknown) => unknown;

const checkers = new WeakMap<StaticStructureSchema, Checker>();

function compiled(schema: StaticStructureSchema): Checker {
  let checker = checkers.get(schema);
  if (checker === undefined) {
    checker = compile(NormalizedSchema.of(schema), numberKind(undefined, undefined));
    checkers.set(schema, checker);
  }
  return checker;
}

/** Where in the request a problem is, innermost step first, and the error it becomes once the path is known. */
class ShapeProblem extends Error {
  readonly steps: Array<(outer: string) => string> = [];
  constructor(private readonly errorAt: (path: string) => AwsError) {
    super("a request member does not fit its shape");
  }
  within(step: (outer: string) => string): ShapeProblem {
    this.steps.push(step);
    return this;
  }
  error(): AwsError {
    return this.errorAt(this.steps.reduceRight((path, step) => step(path), ""));
  }
}

function compile(s: NormalizedSchema, kind: NumberKind, structs = new Map<unknown, Checker>()): Checker {
  if (s.isStructSchema()) return compileStruct(s, structs);
  if (s.isListSchema()) {
    const item = compile(s.getValueSchema(), kind, structs);
    return (value) => {
      if (!Array.isArray(value)) throw typeProblem("a list", value);
      const out: unknown[] = [];
      for (let i = 0; i < value.length; i++) {
        if (value[i] === null) continue;
        try {
          out.push(item(value[i]));
        } catch (e) {
          throw e instanceof ShapeProblem ? e.within((outer) => `${outer}[${i}]`) : e;
        }
      }
      return out;
    };
  }
  if (s.isMapSchema()) {
    const item = compile(s.getValueSchema(), kind, structs);
    return (value) => {
      if (!isObject(value)) throw typeProblem("a map", value);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (v === null) continue;
        try {
          out[k] = item(v);
        } catch (e) {
          // A map key is the client's text: the path that names it in a message quotes an excerpt.
          throw e instanceof ShapeProblem ? e.within((outer) => `${outer}.${excerpt(k)}`) : e;
        }
      }
      return out;
    };
  }
  if (s.isDocumentSchema()) return (value) => value;
  if (s.isBooleanSchema()) return (value) => (typeof value === "boolean" ? value : fail(typeProblem("a boolean", value)));
  if (s.isNumericSchema() || s.isBigIntegerSchema() || s.isBigDecimalSchema()) {
    const ranged = s.isNumericSchema();
    return (value) => {
      if (typeof value !== "number" || !Number.isFinite(value)) throw typeProblem("a number", value);
      const problem = ranged ? numberProblem(kind, value) : undefined;
      if (problem !== undefined) throw new ShapeProblem((path) => new AwsError("SerializationException", `Expected ${problem} for '${path}', but got ${value}.`));
      return value;
    };
  }
  if (s.isTimestampSchema()) return (value) => (typeof value === "number" || typeof value === "string" ? value : fail(typeProblem("a timestamp", value)));
  // Strings and blobs (base64 text) alike.
  return (value) => (typeof value === "string" ? value : fail(typeProblem("a string", value)));
}

function compileStruct(s: NormalizedSchema, structs: Map<unknown, Checker>): Checker {
  const raw = s.getSchema();
  const known = structs.get(raw);
  if (known) return known;
  // A shape may contain itself: its checker is looked up when called, so it can be its own member's.
  let self: Checker = () => undefined;
  structs.set(raw, (value) => self(value));
  const requiredCount = requiredMembers(s);
  const structure = s.getName(true);
  const members = [...s.structIterator()].map(([name, member]) => ({ name, check: compile(member, numberKind(structure, name), structs) }));
  const inside = (name: string) => (outer: string) => (outer ? `${outer}.${name}` : name);
  self = (value) => {
    if (!isObject(value)) throw typeProblem("a structure", value);
    const out: Record<string, unknown> = {};
    for (let index = 0; index < members.length; index++) {
      const { name, check } = members[index]!;
      const v = value[name];
      if (v === undefined || v === null) {
        if (index < requiredCount) throw new ShapeProblem((path) => new AwsError("InvalidParameterException", `Missing required parameter '${path}'.`)).within(inside(name));
        continue;
      }
      try {
        out[name] = check(v);
      } catch (e) {
        throw e instanceof ShapeProblem ? e.within(inside(name)) : e;
      }
    }
    return out;
  };
  return self;
}

function fail(problem: ShapeProblem): never {
  throw problem;
}

function requiredMembers(s: NormalizedSchema): number {
  const raw = s.getSchema();
  return Array.isArray(raw) && raw[0] === 3 && typeof raw[6] === "number" ? raw[6] : 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeProblem(expected: string, got: unknown): ShapeProblem {
  const kind = got === null ? "null" : Array.isArray(got) ? "a list" : typeof got === "object" ? "a structure" : `a ${typeof got}`;
  return new ShapeProblem((path) => new AwsError("SerializationException", `Expected ${expected} for ${path ? `'${path}'` : "the request body"}, but got ${kind}.`));
}
