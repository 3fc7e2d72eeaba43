/**
 * A json key of a Secrets Manager secret (`…:secret:db-AbCdEf:password::`), rendered as the ECS agent
 * renders it: the agent decodes the secret with Go's encoding/json and prints the key's value with
 * `fmt.Sprintf("%v")`, so a string is injected as it is, a number in Go's shortest `%v` form (`5432`,
 * `1e+06`), true/false, null as `<nil>`, an array as `[a b]` and an object as `map[k:v]` (keys sorted).
 * Pure.
 */

/** The key's value, or why there is none (the agent's words where it has them; never the secret's text). */
export type JsonKeyOutcome = { readonly value: string } | { readonly problem: string };

export function jsonKeyValue(secretString: string, key: string): JsonKeyOutcome {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    // JSON.parse's own message quotes the text: the secret must not reach a reason.
    return { problem: `retrieved secret from Secrets Manager is not valid JSON, so it has no json key ${key}` };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { problem: `retrieved secret from Secrets Manager is not a JSON object, so it has no json key ${key}` };
  }
  if (!Object.hasOwn(parsed, key)) return { problem: `retrieved secret from Secrets Manager did not contain json key ${key}` };
  return { value: goText((parsed as Record<string, unknown>)[key]) };
}

/** Go's `%v` of what encoding/json decodes into an `interface{}`. */
function goText(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number") return goFloat(v);
  if (typeof v === "boolean") return String(v);
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(goText).join(" ")}]`;
  const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `map[${entries.map(([k, x]) => `${k}:${goText(x)}`).join(" ")}]`;
}

/** Go's `%v` of a float64: the shortest digits, in exponent form when the exponent is below -4 or at least 6. */
export function goFloat(n: number): string {
  const [mantissa = "0", exponent = "0"] = n.toExponential().split("e");
  const exp = Number(exponent);
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  // In this range JavaScript writes the same shortest digits without an exponent.
  return String(n);
}
