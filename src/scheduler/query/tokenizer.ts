import { QuerySyntaxError } from "./syntax-error.js";

/**
 * Splits a cluster query expression into tokens.
 *
 * Bare words are deliberately permissive so that the ECS documentation's unquoted arguments work
 * as written: `t2.*` (a regex), `1.14.5`, `2018-06-18T22:28:28+00:00`, `service:production`.
 * A word ends at whitespace, at `( ) [ ] , ' "`, and at the first character of an operator
 * (`= ! < > & |`). Arguments that need those characters are quoted: `'a|b'`, `"x y"`.
 */

export type TokenKind = "word" | "string" | "op" | "(" | ")" | "[" | "]" | "," | "end";

export interface Token {
  readonly kind: TokenKind;
  /** The token's text; for a quoted string, its content without the quotes. */
  readonly text: string;
  /** 0-based offset of the token's first character. */
  readonly position: number;
}

const punctuation = new Set(["(", ")", "[", "]", ","]);
const operatorStart = new Set(["=", "!", "<", ">", "&", "|"]);
const twoCharOperators = new Set(["==", "!=", ">=", "<=", "=~", "!~", "&&", "||"]);
const isSpace = (c: string): boolean => c === " " || c === "\t" || c === "\n" || c === "\r";
const endsWord = (c: string | undefined): boolean =>
  c === undefined || isSpace(c) || punctuation.has(c) || operatorStart.has(c) || c === "'" || c === '"';

/** Tokens of `text`, always ending with one `end` token. Throws QuerySyntaxError on a stray character. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (isSpace(c)) {
      i++;
    } else if (punctuation.has(c)) {
      tokens.push({ kind: c as TokenKind, text: c, position: i });
      i++;
    } else if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      if (close < 0) throw QuerySyntaxError.invalid("unterminated string", text.slice(i), i);
      tokens.push({ kind: "string", text: text.slice(i + 1, close), position: i });
      i = close + 1;
    } else if (operatorStart.has(c)) {
      i = readOperator(text, i, tokens);
    } else {
      const start = i;
      while (!endsWord(text[i])) i++;
      tokens.push({ kind: "word", text: text.slice(start, i), position: start });
    }
  }
  tokens.push({ kind: "end", text: "", position: text.length });
  return tokens;
}

/** Reads `==`, `!=`, …, and the one-word negations `!in` and `!exists`; returns the next offset. */
function readOperator(text: string, i: number, tokens: Token[]): number {
  const two = text.slice(i, i + 2);
  if (twoCharOperators.has(two)) {
    tokens.push({ kind: "op", text: two, position: i });
    return i + 2;
  }
  const c = text.charAt(i);
  if (c === "!") {
    for (const word of ["exists", "in"]) {
      const end = i + 1 + word.length;
      if (text.slice(i + 1, end) === word && endsWord(text[end])) {
        tokens.push({ kind: "op", text: `!${word}`, position: i });
        return end;
      }
    }
  }
  if (c === "!" || c === "<" || c === ">") {
    tokens.push({ kind: "op", text: c, position: i });
    return i + 1;
  }
  // A lone `=`, `&` or `|` is not an operator of the language.
  throw QuerySyntaxError.unexpected(c, i);
}
