/** The request's keys, lower-cased (conditions.ts's RequestContext, restated here to keep imports one-way). */
type RequestContext = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * IAM's policy variables (Version 2012-10-17 only): `${aws:username}`, `${aws:PrincipalTag/team}`,
 * `${ecs:cluster}`… in Resource and Condition values, replaced by the request's value of that key
 * (names case-insensitive). `${key, 'default'}` gives a default (`''` is a quote inside it);
 * `${*}`, `${?}` and `${$}` are a literal `*`, `?` and `$`. A key the request lacks, or that has
 * several values, cannot be replaced: the value holding it then matches nothing, as in IAM.
 * Replacement happens once: a value's own `${…}` stays text.
 */

/** One piece of a value: text as written, or a variable to replace. */
type Piece = { readonly text: string } | { readonly key: string; readonly fallback?: string | undefined } | { readonly literal: string };

const variable = /\$\{([^}]*)\}/g;
const inner = /^\s*([^\s,']+)\s*(?:,\s*'((?:[^']|'')*)'\s*)?$/;

/** Whether `value` holds a `${…}`. */
export const hasVariables = (value: string): boolean => value.includes("${");

/** The keys a value's variables read, as written (`aws:username`), specials left out. */
export function variableKeys(value: string): string[] {
  return parse(value).flatMap((p) => ("key" in p ? [p.key] : []));
}

function parse(value: string): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  for (const m of value.matchAll(variable)) {
    if (m.index > last) pieces.push({ text: value.slice(last, m.index) });
    const body = m[1]!;
    const special = body.trim();
    if (special === "*" || special === "?" || special === "$") pieces.push({ literal: special });
    else {
      const v = inner.exec(body);
      // A malformed variable (`${}`, `${a b}`) can never be replaced: a key no request has.
      pieces.push(v ? { key: v[1]!, fallback: v[2]?.replace(/''/g, "'") } : { key: "\0malformed" });
    }
    last = m.index + m[0].length;
  }
  if (last < value.length) pieces.push({ text: value.slice(last) });
  return pieces;
}

/** A value with its variables resolved, each piece marked as written (wildcards live) or replaced (literal). */
export type Resolved = readonly { readonly text: string; readonly literal: boolean }[];

/** Compiles a value with variables; the result resolves it against a request, or gives undefined when a variable cannot be replaced. */
export function compileTemplate(value: string): (ctx: RequestContext) => Resolved | undefined {
  const pieces = parse(value);
  return (ctx) => {
    const out: { text: string; literal: boolean }[] = [];
    for (const p of pieces) {
      if ("text" in p) out.push({ text: p.text, literal: false });
      else if ("literal" in p) out.push({ text: p.literal, literal: true });
      else {
        const v = ctx[p.key.toLowerCase()];
        const text = typeof v === "string" ? v : p.fallback;
        if (text === undefined) return undefined;
        out.push({ text, literal: true });
      }
    }
    return out;
  };
}

/** A resolved value as plain text (for the string, number, date… operators). */
export const plainText = (r: Resolved): string => r.map((p) => p.text).join("");
