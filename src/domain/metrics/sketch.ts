/**
 * A metric's distribution within a minute, for percentiles (pNN): values counted in logarithmic
 * buckets, each bucket's upper bound (1 + α)/(1 − α) times its lower one, α = 1 % (DDSketch's
 * mapping), so that any percentile is within 1 % of a value of the data. Zero has a bucket of its
 * own; a negative value has none (CloudWatch offers no percentiles of data with negative values).
 * Buckets are a bucket key → count map; pure functions.
 */
export type Sketch = ReadonlyMap<number, number>;

const alpha = 0.01;
const gamma = (1 + alpha) / (1 - alpha);
const logGamma = Math.log(gamma);
/** The key of zero's bucket: below any positive double's (whose keys are above −40,000). */
const zeroKey = -1_000_000;

const keyOf = (value: number): number => (value === 0 ? zeroKey : Math.ceil(Math.log(value) / logGamma));
/** A bucket's value: the middle of its bounds, within α of every value in it. */
const valueOf = (key: number): number => (key === zeroKey ? 0 : (2 * gamma ** key) / (gamma + 1));

/** A sketch of values (each `counts[i]` times, 1 without counts), or undefined when one is negative or not finite. */
export function sketchOf(values: readonly number[], counts?: readonly number[]): Sketch | undefined {
  const out = new Map<number, number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0) || !Number.isFinite(v)) return undefined;
    const n = counts?.[i] ?? 1;
    if (n <= 0) continue;
    const k = keyOf(v);
    out.set(k, (out.get(k) ?? 0) + n);
  }
  return out;
}

/** Adds `n` values `value` (non-negative) to a sketch kept by its owner. */
export function addToSketch(sketch: Map<number, number>, value: number, n = 1): void {
  const k = keyOf(value);
  sketch.set(k, (sketch.get(k) ?? 0) + n);
}

/** Adds a sketch's buckets (its `[key, count]` pairs, as a sketch iterates and crosses IPC) to one kept by its owner. */
export function addSketch(into: Map<number, number>, from: Iterable<readonly [number, number]>): void {
  for (const [k, n] of from) into.set(k, (into.get(k) ?? 0) + n);
}

export function mergeSketches(a: Sketch, b: Sketch): Sketch {
  const out = new Map(a);
  addSketch(out, b);
  return out;
}

/** How many values a sketch counts. */
export function sketchCount(s: Sketch): number {
  let n = 0;
  for (const c of s.values()) n += c;
  return n;
}

/**
 * The p-th percentile (0–100) of the values: the value of the bucket holding the value of rank
 * ⌈p/100 × n⌉, kept within the data's known minimum and maximum (p0 and p100 are exactly they).
 */
export function percentile(s: Sketch, p: number, min: number, max: number): number | undefined {
  const n = sketchCount(s);
  if (n === 0) return undefined;
  if (p >= 100) return max;
  if (p <= 0) return min;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  let seen = 0;
  for (const key of [...s.keys()].sort((a, b) => a - b)) {
    seen += s.get(key)!;
    if (seen >= rank) return Math.min(max, Math.max(min, valueOf(key)));
  }
  return max;
}

/** A sketch as stored and sent: `[[key, count], …]` in JSON. */
export const sketchText = (s: Sketch): string => JSON.stringify([...s]);

export function sketchFromText(text: string): Sketch {
  const parsed: unknown = JSON.parse(text);
  const out = new Map<number, number>();
  if (!Array.isArray(parsed)) return out;
  for (const e of parsed as unknown[]) if (Array.isArray(e) && Number.isInteger(e[0]) && typeof e[1] === "number" && e[1] > 0) out.set(e[0] as number, e[1]);
  return out;
}

/** `p99`, `p99.9`, `p50`: a percentile statistic's value (0–100), or undefined for any other name. */
export function percentileOf(stat: string): number | undefined {
  const m = /^p(\d{1,2}(?:\.\d{1,10})?|100)$/.exec(stat);
  return m ? Number(m[1]) : undefined;
}
