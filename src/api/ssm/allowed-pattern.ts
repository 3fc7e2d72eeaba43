import { runInNewContext } from "node:vm";

/** How long one check of a value against an AllowedPattern may run: a pattern that backtracks without end must not stop the server. */
const patternTimeoutMs = 100;

/** Whether a value fits a parameter's AllowedPattern, or why the pattern cannot say. */
export type PatternVerdict = "match" | "mismatch" | "invalid" | "too-slow";

/**
 * Checks `value` against `pattern` as Parameter Store does: the whole value must match (Java's
 * `String.matches`). The pattern is the client's: it is compiled and run in a V8 context of its
 * own with a time limit, since a regular expression can backtrack for longer than any request
 * may take (an 8 KB value against `(a+)+$`). JavaScript's syntax stands in for Java's, which it
 * shares for the patterns parameters use (classes, quantifiers, anchors, groups).
 */
export function checkAllowedPattern(pattern: string, value: string): PatternVerdict {
  try {
    new RegExp(pattern);
  } catch {
    return "invalid";
  }
  try {
    const matched: unknown = runInNewContext("new RegExp(\"^(?:\" + pattern + \")$\").test(value)", { pattern, value }, { timeout: patternTimeoutMs });
    return matched === true ? "match" : "mismatch";
  } catch {
    return "too-slow";
  }
}
