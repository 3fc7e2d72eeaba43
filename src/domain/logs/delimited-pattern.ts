import { compare, literal, type Comparison, type Literal } from "./value-match.js";

/**
 * CloudWatch's space-delimited pattern, `[ip, user, ..., status=5*, size>1000]`: one entry per field
 * of the event, `...` for any number of fields, and conditions on a field (`=` `!=` with `*`,
 * `<` `>` `<=` `>=` on numbers, `%regex%`), several joined by `&&` / `||` (`status=4* || status=5*`).
 * An event's fields are split on spaces; text in `"…"` or `[…]` is one field, without its quotes
 * or brackets. Without `...`, the event must have exactly as many fields as the pattern.
 */
export type DelimitedPattern = readonly Entry[];

export type Condition = { readonly op: Comparison; readonly value: Literal };
export type Entry =
  | { readonly kind: "ellipsis" }
  /** `any` of `all` groups: `a && b || c` is [[a, b], [c]]. */
  | { readonly kind: "field"; readonly name: string; readonly any: readonly (readonly Condition[])[] };

export function parseDelimitedPattern(text: string): DelimitedPattern | { readonly invalid: string } {
  const body = text.trim();
  if (!body.startsWith("[") || !body.endsWith("]")) return { invalid: "a space-delimited pattern is enclosed in [ ]" };
  const parts = splitOutsideQuotes(body.slice(1, -1), ",");
  if ("invalid" in parts) return parts;
  const entries: Entry[] = [];
  for (const raw of parts) {
    const part = raw.trim();
    if (part === "") return { invalid: "an empty field in a space-delimited pattern" };
    if (part === "...") {
      entries.push({ kind: "ellipsis" });
      continue;
    }
    const any: Condition[][] = [];
    let name: string | undefined;
    for (const alternative of part.split("||")) {
      const all: Condition[] = [];
      for (const term of alternative.split("&&")) {
        const m = /^\s*([A-Za-z_][\w.-]*)\s*(?:(!=|<=|>=|=|<|>)\s*(.+?))?\s*$/s.exec(term);
        if (!m) return { invalid: `'${part}' is not a field name or condition` };
        if (name !== undefined && m[1] !== name) return { invalid: `'${part}' compares two fields; each entry is one field` };
        name = m[1]!;
        if (m[2] === undefined) continue;
        const quoted = m[3]!.length >= 2 && m[3]!.startsWith('"') && m[3]!.endsWith('"');
        const value = literal(quoted ? m[3]!.slice(1, -1) : m[3]!, quoted);
        if ("invalid" in value) return value;
        if (m[2] !== "=" && m[2] !== "!=" && value.kind !== "number") return { invalid: `${m[2]} compares numbers; '${m[3]}' is not one` };
        all.push({ op: m[2] as Comparison, value });
      }
      any.push(all);
    }
    entries.push({ kind: "field", name: name!, any });
  }
  return entries;
}

function splitOutsideQuotes(s: string, sep: string): string[] | { readonly invalid: string } {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (const c of s) {
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  if (quoted) return { invalid: "unterminated quoted value" };
  out.push(cur);
  return out;
}

/** An event's fields: split on spaces, `"…"` and `[…]` kept whole (without their delimiters). */
export function eventFields(message: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i < message.length) {
    const c = message[i]!;
    if (c === " " || c === "\t") {
      i++;
      continue;
    }
    const close = c === '"' ? '"' : c === "[" ? "]" : undefined;
    const end = close === undefined ? -1 : message.indexOf(close, i + 1);
    if (close !== undefined && end > 0) {
      fields.push(message.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < message.length && message[j] !== " " && message[j] !== "\t") j++;
    fields.push(message.slice(i, j));
    i = j;
  }
  return fields;
}

export function matchesDelimited(p: DelimitedPattern, message: string): boolean {
  const fields = eventFields(message.trimEnd());
  const go = (e: number, f: number): boolean => {
    if (e === p.length) return f === fields.length;
    const entry = p[e]!;
    if (entry.kind === "ellipsis") {
      for (let k = f; k <= fields.length; k++) if (go(e + 1, k)) return true;
      return false;
    }
    if (f >= fields.length) return false;
    const value = fields[f]!;
    const ok = entry.any.some((all) => all.every((c) => compare(value, c.op, c.value)));
    return ok && go(e + 1, f + 1);
  };
  return go(0, 0);
}
