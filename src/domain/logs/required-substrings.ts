import type { DelimitedPattern } from "./delimited-pattern.js";
import type { FilterPattern } from "./filter-pattern.js";
import type { JsonPattern } from "./json-pattern.js";

/**
 * Text every matching event must contain, as clauses (each an OR of substrings; all clauses hold),
 * so that the store can skip most non-matching events before the pattern runs. Only necessary
 * conditions: an event that contains them may still not match, one that lacks them never does.
 */
export type SubstringClauses = readonly (readonly string[])[];

export function requiredSubstrings(p: FilterPattern): SubstringClauses {
  switch (p.kind) {
    case "all":
      return [];
    case "terms":
      if (p.terms.regex) return [];
      return [...p.terms.all.map((t) => [t]), ...(p.terms.any.length > 0 ? [p.terms.any] : [])];
    case "json":
      return json(p.json);
    case "delimited":
      return delimited(p.fields);
  }
}

function json(p: JsonPattern): SubstringClauses {
  switch (p.kind) {
    case "and":
      return [...json(p.left), ...json(p.right)];
    case "or": {
      const left = json(p.left);
      const right = json(p.right);
      // (A ∧ B) ∨ C implies A ∨ B ∨ C: one clause of everything either side requires.
      return left.length === 0 || right.length === 0 ? [] : [[...left.flat(), ...right.flat()]];
    }
    case "is":
      if (p.what === "NOT EXISTS") return [];
      return keyOf(p.path);
    case "compare":
      return keyOf(p.path);
  }
}

/** The last member name of a selector, quoted as it appears in JSON text (when it needs no escaping). */
function keyOf(path: readonly (string | number)[]): SubstringClauses {
  const key = [...path].reverse().find((k): k is string => typeof k === "string");
  return key !== undefined && /^[\w.-]+$/.test(key) ? [[`"${key}"`]] : [];
}

function delimited(fields: DelimitedPattern): SubstringClauses {
  const out: string[][] = [];
  for (const entry of fields) {
    if (entry.kind !== "field" || entry.any.length !== 1) continue;
    for (const c of entry.any[0]!) {
      if (c.op !== "=" || c.value.kind !== "text") continue;
      const longest = c.value.text.split("*").reduce((a, b) => (b.length > a.length ? b : a), "");
      if (longest !== "") out.push([longest]);
    }
  }
  return out;
}
