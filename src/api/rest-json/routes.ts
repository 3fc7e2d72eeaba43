import { NormalizedSchema } from "@smithy/core/schema";
import type { StaticOperationSchema, StaticStructureSchema } from "@smithy/types";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { HttpRequest } from "../http-types.js";

/** An operation's HTTP binding, read from the SDK's schema (`{ http: [method, uri, status] }`). */
export interface Route {
  readonly name: string;
  readonly method: string;
  readonly pattern: RegExp;
  /** Path labels in the order of the pattern's groups. */
  readonly labels: readonly string[];
  readonly status: number;
  readonly input: StaticStructureSchema;
}

/** The route of an operation schema (`[9, namespace, name, traits, input, output]`). */
export function routeOf(op: StaticOperationSchema): Route {
  const [, , name, traits, input] = op;
  const http = typeof traits === "object" && traits !== null && "http" in traits ? (traits as { http: unknown }).http : undefined;
  if (!Array.isArray(http) || typeof http[0] !== "string" || typeof http[1] !== "string") throw new Error(`operation ${name} has no HTTP binding`);
  const labels: string[] = [];
  const path = http[1].split("?")[0] ?? "";
  const pattern = new RegExp(
    `^${path
      .split("/")
      .map((seg) => {
        const label = /^\{([A-Za-z0-9_]+)\+?\}$/.exec(seg);
        if (!label) return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        labels.push(label[1] ?? "");
        return "([^/]+)";
      })
      .join("/")}$`,
  );
  const schema = typeof input === "function" ? input() : input;
  return { name, method: http[0], pattern, labels, status: typeof http[2] === "number" ? http[2] : 200, input: schema as StaticStructureSchema };
}

/** The operation a request's method and path name, with its path labels, or undefined. */
export function matchRoute(routes: readonly Route[], method: string, path: string): { readonly route: Route; readonly labels: Readonly<Record<string, string>> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (!m) continue;
    const labels: Record<string, string> = {};
    route.labels.forEach((l, i) => {
      let v = m[i + 1] ?? "";
      try {
        v = decodeURIComponent(v);
      } catch {
        throw new AwsError("ValidationException", `The path segment '${excerpt(v)}' is not valid percent-encoding.`);
      }
      labels[l] = v;
    });
    return { route, labels };
  }
  return undefined;
}

/**
 * The operation's input as its members are bound: path labels (`httpLabel`), query parameters
 * (`httpQuery`, numbers parsed for numeric members), the rest from the JSON body.
 */
export function inputOf(route: Route, labels: Readonly<Record<string, string>>, req: Pick<HttpRequest, "query" | "body">): Record<string, unknown> {
  const body = parseBody(req.body);
  const out: Record<string, unknown> = {};
  for (const [name, member] of NormalizedSchema.of(route.input).structIterator()) {
    const traits = member.getMergedTraits();
    if (traits.httpLabel) {
      out[name] = labels[name];
    } else if (typeof traits.httpQuery === "string") {
      const raw = req.query[traits.httpQuery];
      const v = Array.isArray(raw) ? raw[0] : raw;
      if (v === undefined) continue;
      if (member.isNumericSchema()) {
        const n = Number(v);
        if (v.trim() === "" || !Number.isFinite(n)) throw new AwsError("ValidationException", `${traits.httpQuery} must be a number; got '${excerpt(v)}'.`);
        out[name] = n;
      } else {
        out[name] = v;
      }
    } else if (body[name] !== undefined) {
      out[name] = body[name];
    }
  }
  return out;
}

function parseBody(body: Uint8Array): Record<string, unknown> {
  const text = Buffer.from(body).toString("utf8");
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AwsError("SerializationException", "The request body is not valid JSON.");
  }
  if (!isObject(parsed)) throw new AwsError("SerializationException", "The request body must be a JSON object.");
  return parsed;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
