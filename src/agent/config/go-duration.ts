/**
 * Go's duration syntax (`time.ParseDuration` / `Duration.String`), which every ECS agent duration
 * variable uses: "30s", "3h", "1m30s", "1.5h", "500ms". Parsed to milliseconds.
 */

const unitMs: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3, // U+00B5 micro sign
  "μs": 1e-3, // U+03BC Greek mu
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** The longest wait a Node.js timer can set (2^31 − 1 ms, 596h 31m): one set longer fires at once. */
export const maxTimerMs = 2_147_483_647;

/**
 * Milliseconds in a Go duration string, or undefined when it is not one. Like Go, a unit is
 * required after every number except a lone "0", and a leading sign is allowed.
 */
export function parseGoDuration(text: string): number | undefined {
  const m = /^([+-]?)(.*)$/.exec(text)!;
  const sign = m[1] === "-" ? -1 : 1;
  const body = m[2]!;
  if (body === "0") return 0;
  if (body === "") return undefined;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  while (at < body.length) {
    part.lastIndex = at;
    const p = part.exec(body);
    if (!p) return undefined;
    total += Number(p[1]) * unitMs[p[2]!]!;
    at = part.lastIndex;
  }
  return sign * total;
}

/** Go's `Duration.String()` of a number of milliseconds: "4m0s", "2h0m0s", "30s", "1.5s", "250ms", "0s". */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms < 0) return `-${formatGoDuration(-ms)}`;
  if (ms < 1) return ms >= 1e-3 ? `${trim(ms * 1000)}µs` : `${trim(ms * 1e6)}ns`;
  if (ms < 1000) return `${trim(ms)}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = `${trim((ms % 60_000) / 1000)}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

/** At most 9 decimals (Go's nanosecond resolution), trailing zeros dropped. */
const trim = (n: number): string => String(Number(n.toFixed(9)));
