import { regexOf } from "./value-match.js";

/**
 * CloudWatch's pattern for unstructured events: terms and `"quoted phrases"`, all of which must
 * appear; `-term` that must not; `?term` of which at least one must (when any is given); and a
 * standalone `%regex%`. Matching is case sensitive. A term matches where it stands as a whole word:
 * not preceded or followed by a letter, digit or `_` (`ERROR` matches `[ERROR 400]`, not `ERRORS`);
 * a regex is how CloudWatch matches inside words.
 */
export interface TermPattern {
  readonly all: readonly string[];
  readonly none: readonly string[];
  readonly any: readonly string[];
  readonly regex?: RegExp | undefined;
}

export function parseTermPattern(text: string): TermPattern | { readonly invalid: string } {
  const trimmed = text.trim();
  if (trimmed.length >= 2 && trimmed.startsWith("%") && trimmed.endsWith("%") && !/\s/.test(trimmed)) {
    const regex = regexOf(trimmed.slice(1, -1));
    return "invalid" in regex ? regex : { all: [], none: [], any: [], regex };
  }
  const all: string[] = [];
  const none: string[] = [];
  const any: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    let sign: "" | "-" | "?" = "";
    if (text[i] === "-" || text[i] === "?") {
      sign = text[i] as "-" | "?";
      i++;
    }
    let term: string;
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) return { invalid: "unterminated quoted phrase" };
      term = text.slice(i + 1, end);
      i = end + 1;
    } else {
      let end = i;
      while (end < text.length && !/\s/.test(text[end]!)) end++;
      term = text.slice(i, end);
      i = end;
    }
    if (term === "") {
      if (sign === "") continue;
      return { invalid: `'${sign}' must be followed by a term` };
    }
    (sign === "-" ? none : sign === "?" ? any : all).push(term);
  }
  return { all, none, any };
}

export function matchesTerms(p: TermPattern, message: string): boolean {
  if (p.regex) return p.regex.test(message);
  if (!p.all.every((t) => containsWord(message, t))) return false;
  if (p.none.some((t) => containsWord(message, t))) return false;
  return p.any.length === 0 || p.any.some((t) => containsWord(message, t));
}

const wordChar = /[A-Za-z0-9_]/;

/** `term` in `message` with no word character glued to either end (where the term's own end is a word character). */
export function containsWord(message: string, term: string): boolean {
  const checkBefore = wordChar.test(term[0]!);
  const checkAfter = wordChar.test(term[term.length - 1]!);
  for (let at = message.indexOf(term); at >= 0; at = message.indexOf(term, at + 1)) {
    const before = at > 0 ? message[at - 1]! : "";
    const after = message[at + term.length] ?? "";
    if (checkBefore && before !== "" && wordChar.test(before)) continue;
    if (checkAfter && after !== "" && wordChar.test(after)) continue;
    return true;
  }
  return false;
}
