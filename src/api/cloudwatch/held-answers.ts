import type { MetricDataResult } from "./metric-data-output.js";

/**
 * The answers of paged GetMetricData requests, held for their next pages. A client follows a
 * NextToken within moments; its next page is then cut from the answer the call before read,
 * instead of reading the periods left from the store again. Bounded by datapoints held and by
 * age: a page whose answer is not held (another replica served the one before, or it aged or was
 * pushed out) reads its periods as before, and the pages are the same.
 */
export class HeldAnswers {
  private readonly held = new Map<string, { readonly results: readonly MetricDataResult[]; readonly datapoints: number; readonly untilMs: number }>();
  private datapoints = 0;

  constructor(
    private readonly limits: { readonly datapoints: number; readonly ms: number } = { datapoints: 1_000_000, ms: 60_000 },
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): readonly MetricDataResult[] | undefined {
    this.expire();
    return this.held.get(key)?.results;
  }

  /** Holds `results` (every datapoint from the next page on) under `key`, pushing out the oldest beyond the limit. */
  hold(key: string, results: readonly MetricDataResult[]): void {
    this.drop(key);
    this.expire();
    const datapoints = results.reduce((n, r) => n + r.timesMs.length, 0);
    if (datapoints > this.limits.datapoints) return;
    for (const [oldest] of this.held) {
      if (this.datapoints + datapoints <= this.limits.datapoints) break;
      this.drop(oldest);
    }
    this.held.set(key, { results, datapoints, untilMs: this.now() + this.limits.ms });
    this.datapoints += datapoints;
  }

  /** Lets an answer go once its last page is out. */
  drop(key: string): void {
    const entry = this.held.get(key);
    if (!entry) return;
    this.held.delete(key);
    this.datapoints -= entry.datapoints;
  }

  private expire(): void {
    const now = this.now();
    // Held in the order they were added, each for the same time: the first not expired ends it.
    for (const [key, entry] of this.held) {
      if (entry.untilMs > now) break;
      this.drop(key);
    }
  }
}
