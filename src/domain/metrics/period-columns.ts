/**
 * Periods of one metric as columns (one typed array per field): what a read of thousands of
 * metric-days hands on without an object, a Date or a boxed number per datapoint. The same
 * content as `PeriodAggregate[]`, oldest first.
 */
import type { PeriodAggregate } from "./statistics.js";

export interface PeriodColumns {
  readonly length: number;
  /** Each period's start, epoch milliseconds. */
  readonly timesMs: Float64Array;
  readonly sum: Float64Array;
  readonly count: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  /** Each period's unit, or the one unit every period has (the common case: no array of 288 copies). */
  readonly units: string | readonly string[];
}

export const unitAt = (c: PeriodColumns, i: number): string => (typeof c.units === "string" ? c.units : c.units[i]!);

/** The units of periods as they are folded: one string, unless two periods differ. */
export class UnitColumn {
  private one: string | undefined;
  private each: string[] | undefined;
  private count = 0;

  /** Sets period i: the last one, or a new last one. */
  set(i: number, unit: string): void {
    this.count = Math.max(this.count, i + 1);
    if (!this.each && (this.one === undefined || this.one === unit)) this.one = unit;
    else (this.each ??= new Array<string>(this.count).fill(this.one!))[i] = unit;
  }

  get(i: number): string {
    return this.each ? this.each[i]! : this.one!;
  }

  get value(): string | readonly string[] {
    const each = this.each;
    if (!each) return this.one ?? [];
    return each.every((u) => u === each[0]) ? each[0]! : each;
  }
}

export function columnsOf(periods: readonly PeriodAggregate[]): PeriodColumns {
  const n = periods.length;
  const c = { length: n, timesMs: new Float64Array(n), sum: new Float64Array(n), count: new Float64Array(n), min: new Float64Array(n), max: new Float64Array(n) };
  const units = new UnitColumn();
  periods.forEach((p, i) => {
    c.timesMs[i] = p.timestampMs;
    c.sum[i] = p.sum;
    c.count[i] = p.count;
    c.min[i] = p.min;
    c.max[i] = p.max;
    units.set(i, p.unit);
  });
  return { ...c, units: units.value };
}

export function aggregatesOf(c: PeriodColumns): PeriodAggregate[] {
  return Array.from({ length: c.length }, (_, i) => ({ timestampMs: c.timesMs[i]!, sum: c.sum[i]!, count: c.count[i]!, min: c.min[i]!, max: c.max[i]!, unit: unitAt(c, i) }));
}

/**
 * A running sum as SQLite's `sum()` of REAL values computes it (Kahan–Babuška–Neumaier, SQLite
 * 3.43 and later), so that a fold done in JavaScript gives the very double the store's SQL gave.
 */
export class SqliteSum {
  private s = 0;
  private err = 0;
  add(r: number): void {
    const s = this.s;
    const t = s + r;
    this.err += Math.abs(s) > Math.abs(r) ? s - t + r : r - t + s;
    this.s = t;
  }
  reset(): void {
    this.s = 0;
    this.err = 0;
  }
  get value(): number {
    return Number.isFinite(this.err) ? this.s + this.err : this.s;
  }
}
