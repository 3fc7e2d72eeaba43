/**
 * The 5-minute fold of a metric packed by the hour (migration 18, table `metric_five_hours`): one
 * row per metric and hour holds its twelve 5-minute buckets as 48 little-endian doubles (sum,
 * sample count, minimum, maximum of each), a bit per bucket saying which hold data, the unit
 * every bucket carries and, only when they differ, each bucket's own. A day of a metric is 24 or
 * 25 rows instead of 288. Every bucket is exactly the row `metric_five_minutes` held before
 * (same additions in the same order), so reads fold the same doubles.
 */
import type { PeriodColumns } from "../../domain/metrics/period-columns.js";
import { SqliteSum } from "../../domain/metrics/period-columns.js";

export const bucketMs = 300_000;
export const hourMs = 3_600_000;
export const bucketsPerHour = 12;
const fields = 4;

/** One stored hour of one metric, decoded. */
export interface HourRow {
  readonly hourMs: number;
  /** Bit i set: bucket i (starting at hourMs + i × 5 min) holds data. */
  present: number;
  readonly data: Float64Array;
  /** The unit of every bucket (`units` when they differ). */
  unit: string;
  units: string[] | undefined;
}

export const emptyHour = (hourStartMs: number, unit: string): HourRow => ({ hourMs: hourStartMs, present: 0, data: new Float64Array(bucketsPerHour * fields), unit, units: undefined });

/** The doubles of a stored blob (copied when the blob is not 8-byte aligned). */
export function doublesOf(blob: Uint8Array): Float64Array {
  if (blob.byteLength !== bucketsPerHour * fields * 8) throw new Error(`metric hour blob of ${blob.byteLength} bytes`);
  const bytes = blob.byteOffset % 8 === 0 ? blob : Uint8Array.prototype.slice.call(blob);
  return new Float64Array(bytes.buffer, bytes.byteOffset, bucketsPerHour * fields);
}

export const blobOf = (data: Float64Array): Buffer => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

export const unitsOf = (text: string | null): string[] | undefined => (text === null ? undefined : (JSON.parse(text) as string[]));

const unitAt = (row: HourRow, i: number): string => row.units?.[i] ?? row.unit;

/**
 * Adds one minute's aggregate to its bucket, as the old table's upsert did: an empty bucket takes
 * the values, a bucket with data adds the sum and count, keeps the extremes, and takes the unit.
 */
export function addToHour(row: HourRow, atMs: number, a: { sum: number; count: number; min: number; max: number; unit: string }): void {
  const i = Math.floor((atMs - row.hourMs) / bucketMs);
  const o = i * fields;
  const d = row.data;
  if ((row.present & (1 << i)) === 0) {
    d[o] = a.sum;
    d[o + 1] = a.count;
    d[o + 2] = a.min;
    d[o + 3] = a.max;
    row.present |= 1 << i;
  } else {
    d[o] = d[o]! + a.sum;
    d[o + 1] = d[o + 1]! + a.count;
    d[o + 2] = Math.min(d[o + 2]!, a.min);
    d[o + 3] = Math.max(d[o + 3]!, a.max);
  }
  if (unitAt(row, i) !== a.unit) {
    const units = row.units ?? new Array<string>(bucketsPerHour).fill(row.unit);
    units[i] = a.unit;
    row.units = units;
  }
  if (row.units && row.units.every((u, k) => u === row.units![0] || (row.present & (1 << k)) === 0)) {
    const first = row.units.find((_, k) => (row.present & (1 << k)) !== 0);
    row.unit = first ?? row.unit;
    row.units = undefined;
  }
}

/**
 * The buckets of `rows` (in hour order) that start in [fromMs, toMs), folded into periods of
 * `periodMs` (a multiple of 5 minutes) aligned on multiples of it, as the old SQL folded them:
 * sums as SQLite's `sum()`, extremes, and the greatest unit (text order) of the period.
 */
export function foldHours(rows: readonly HourRow[], fromMs: number, toMs: number, periodMs: number): PeriodColumns {
  let n = 0;
  for (const r of rows) n += popcount(r.present);
  const timesMs = new Float64Array(n);
  const sum = new Float64Array(n);
  const count = new Float64Array(n);
  const min = new Float64Array(n);
  const max = new Float64Array(n);
  const units = new Array<string>(n);
  const direct = periodMs === bucketMs;
  let k = -1;
  let open = Number.NaN;
  const sums = new SqliteSum();
  const counts = new SqliteSum();
  const close = () => {
    if (k >= 0 && !direct) {
      sum[k] = sums.value;
      count[k] = counts.value;
    }
  };
  for (const r of rows) {
    if (r.present === 0) continue;
    const d = r.data;
    for (let i = 0; i < bucketsPerHour; i++) {
      if ((r.present & (1 << i)) === 0) continue;
      const t = r.hourMs + i * bucketMs;
      if (t < fromMs || t >= toMs) continue;
      const o = i * fields;
      const unit = r.units?.[i] ?? r.unit;
      const p = t - (t % periodMs);
      if (direct || p !== open) {
        close();
        k++;
        open = p;
        timesMs[k] = p;
        min[k] = d[o + 2]!;
        max[k] = d[o + 3]!;
        units[k] = unit;
        if (direct) {
          sum[k] = d[o]!;
          count[k] = d[o + 1]!;
        } else {
          sums.reset();
          counts.reset();
          sums.add(d[o]!);
          counts.add(d[o + 1]!);
        }
      } else {
        sums.add(d[o]!);
        counts.add(d[o + 1]!);
        min[k] = Math.min(min[k]!, d[o + 2]!);
        max[k] = Math.max(max[k]!, d[o + 3]!);
        if (unit > units[k]!) units[k] = unit;
      }
    }
  }
  close();
  const length = k + 1;
  return { length, timesMs: timesMs.subarray(0, length), sum: sum.subarray(0, length), count: count.subarray(0, length), min: min.subarray(0, length), max: max.subarray(0, length), units: length === n ? units : units.slice(0, length) };
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x; v !== 0; v &= v - 1) n++;
  return n;
}
