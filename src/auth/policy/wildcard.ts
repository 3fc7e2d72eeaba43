/**
 * IAM's wildcards: `*` matches any run of characters (`/` and `:` included), `?` any one character;
 * everything else is literal. Many patterns compile into one anchored expression, so that a
 * statement with fifty actions costs one test.
 */

const special = /[.+^${}()|[\]\\]/g;

const source = (pattern: string): string => pattern.replace(special, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");

/** A test for "matches any of `patterns`"; `ignoreCase` for actions, which IAM matches case-insensitively. */
export function wildcardMatcher(patterns: readonly string[], opts: { readonly ignoreCase: boolean }): (value: string) => boolean {
  if (patterns.includes("*")) return () => true;
  if (!patterns.some((p) => p.includes("*") || p.includes("?"))) {
    const exact = new Set(opts.ignoreCase ? patterns.map((p) => p.toLowerCase()) : patterns);
    return opts.ignoreCase ? (v) => exact.has(v.toLowerCase()) : (v) => exact.has(v);
  }
  const re = new RegExp(`^(?:${patterns.map(source).join("|")})$`, opts.ignoreCase ? "is" : "s");
  return (v) => re.test(v);
}

/**
 * A test for "matches any of `patterns`" whose variables were replaced for one request
 * (variables.ts): the replaced pieces are literal, a `*` in them no wildcard.
 */
export function resolvedMatcher(patterns: readonly (readonly { readonly text: string; readonly literal: boolean }[])[], opts: { readonly ignoreCase: boolean }): (value: string) => boolean {
  const literal = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`^(?:${patterns.map((pieces) => pieces.map((p) => (p.literal ? literal(p.text) : source(p.text))).join("")).join("|")})$`, opts.ignoreCase ? "is" : "s");
  return (v) => re.test(v);
}

/**
 * ArnLike/ArnEquals: each of an ARN's six colon-separated parts matched on its own (the last part
 * may itself hold colons), so `*` never spans from the service into the account.
 */
export function arnMatcher(patterns: readonly string[]): (value: string) => boolean {
  if (patterns.includes("*")) return () => true;
  const compiled = patterns.map((p) => {
    const parts = splitArn(p);
    return parts ? parts.map((part) => wildcardMatcher([part], { ignoreCase: false })) : undefined;
  });
  return (value) => {
    const parts = splitArn(value);
    if (!parts) return false;
    return compiled.some((c) => c !== undefined && c.every((test, i) => test(parts[i]!)));
  };
}

function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(":");
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}
