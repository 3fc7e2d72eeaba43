import { matchesDelimited, parseDelimitedPattern, type DelimitedPattern } from "./delimited-pattern.js";
import { matchesJson, parseJsonPattern, type JsonPattern } from "./json-pattern.js";
import { matchesTerms, parseTermPattern, type TermPattern } from "./term-pattern.js";

/**
 * A CloudWatch Logs filter pattern, compiled once: JSON (`{ … }`), space-delimited (`[ … ]`) or
 * terms (anything else; empty matches every event). See the three pattern modules for the syntax.
 */
export type FilterPattern =
  | { readonly kind: "all" }
  | { readonly kind: "terms"; readonly terms: TermPattern }
  | { readonly kind: "json"; readonly json: JsonPattern }
  | { readonly kind: "delimited"; readonly fields: DelimitedPattern };

export const maxFilterPatternLength = 1024;

export function parseFilterPattern(text: string | undefined): FilterPattern | { readonly invalid: string } {
  const body = (text ?? "").trim();
  if (body.length > maxFilterPatternLength) return { invalid: `a filter pattern has at most ${maxFilterPatternLength} characters` };
  if (body === "") return { kind: "all" };
  if (body.startsWith("{")) {
    const json = parseJsonPattern(body);
    return "invalid" in json ? json : { kind: "json", json };
  }
  if (body.startsWith("[")) {
    const fields = parseDelimitedPattern(body);
    return "invalid" in fields ? fields : { kind: "delimited", fields };
  }
  const terms = parseTermPattern(body);
  return "invalid" in terms ? terms : { kind: "terms", terms };
}

/** Whether one event's message matches. */
export function matchesFilter(p: FilterPattern, message: string): boolean {
  switch (p.kind) {
    case "all":
      return true;
    case "terms":
      return matchesTerms(p.terms, message);
    case "delimited":
      return matchesDelimited(p.fields, message);
    case "json": {
      const start = message.indexOf("{");
      if (start < 0) return false;
      let doc: unknown;
      try {
        doc = JSON.parse(message.slice(start));
      } catch {
        return false;
      }
      return typeof doc === "object" && doc !== null && matchesJson(p.json, doc);
    }
  }
}
