import { merge, minuteOf, seriesKey, type MetricId, type MinuteAggregate } from "./series.js";
import type { Sketch } from "./sketch.js";

/**
 * Samples folded into one aggregate per metric and minute, in memory, until `drain` hands them to
 * the store: thousands of task reports a second cost one map update each, and the store one row
 * per metric and minute. Pure: time comes in with each sample.
 */
export class MinuteAccumulator {
  private pending = new Map<string, MinuteAggregate>();

  /** Adds `value` (`count` samples summing to it, or one) to its metric's minute. */
  add(metric: MetricId, atMs: number, sample: { sum: number; count: number; min: number; max: number; sketch?: Sketch | undefined }, unit = "None"): void {
    const minute = minuteOf(atMs);
    const key = `${seriesKey(metric)}@${minute}`;
    const was = this.pending.get(key);
    this.pending.set(key, was ? merge(was, { ...sample, unit }) : { metric, minuteMs: minute, ...sample, unit });
  }

  addValue(metric: MetricId, atMs: number, value: number, unit = "None"): void {
    this.add(metric, atMs, { sum: value, count: 1, min: value, max: value }, unit);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Everything accumulated so far; the accumulator starts empty again. */
  drain(): MinuteAggregate[] {
    const out = [...this.pending.values()];
    this.pending = new Map();
    return out;
  }
}
