/**
 * Comparing one field's value with a filter pattern's literal, shared by the JSON and the
 * space-delimited patterns: `=` / `!=` on text with `*` as a wildcard, numeric comparisons when the
 * literal is a number, and `%regex%` literals.
 */
export type Comparison = "=" | "!=" | "<" | ">" | "<=" | ">=";

export type Literal =
  | { readonly kind: "number"; readonly value: number; readonly text: string }
  | { readonly kind: "text"; readonly glob: RegExp; readonly text: string }
  | { readonly kind: "regex"; readonly regex: RegExp; readonly text: string };

/** A literal as written after an operator: `"quoted"`, `%regex%`, a number, or a bare word (`5*`). */
export function literal(text: string, quoted: boolean): Literal | { readonly invalid: string } {
  if (!quoted && text.length >= 2 && text.startsWith("%") && text.endsWith("%")) {
    const re = regexOf(text.slice(1, -1));
    return "invalid" in re ? re : { kind: "regex", regex: re, text };
  }
  if (!quoted && /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text)) return { kind: "number", value: Number(text), text };
  return { kind: "text", glob: globOf(text), text };
}

/** CloudWatch's regex subset: letters, digits, `_#=@/;,:-` and the operators `^$?[]{}|\*+.`; no groups. */
export function regexOf(body: string): RegExp | { readonly invalid: string } {
  if (body === "" || /[()]/.test(body) || /[^\x20-\x7e]/.test(body)) return { invalid: `unsupported regular expression %${body}%` };
  try {
    return new RegExp(body);
  } catch {
    return { invalid: `invalid regular expression %${body}%` };
  }
}

function globOf(text: string): RegExp {
  const escaped = text.split("*").map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`, "s");
}

/** Whether `value` (a field's text, or a JSON scalar) satisfies `op literal`. */
export function compare(value: unknown, op: Comparison, lit: Literal): boolean {
  if (lit.kind === "number") {
    const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
    if (Number.isNaN(n)) return op === "!=" && value !== undefined;
    switch (op) {
      case "=":
        return n === lit.value;
      case "!=":
        return n !== lit.value;
      case "<":
        return n < lit.value;
      case ">":
        return n > lit.value;
      case "<=":
        return n <= lit.value;
      case ">=":
        return n >= lit.value;
    }
  }
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") return false;
  const text = String(value);
  const hit = lit.kind === "regex" ? lit.regex.test(text) : lit.glob.test(text);
  if (op === "=") return hit;
  if (op === "!=") return !hit;
  return false;
}
