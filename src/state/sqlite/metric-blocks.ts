/**
 * The 5-minute fold of a metric packed in blocks of six hours (migration 18, table
 * `metric_five_blocks`): one row per metric and block holds its 72 five-minute buckets as 288
 * little-endian doubles (sum, sample count, minimum, maximum of each; a bucket without data has a
 * NaN count, which no addition of finite values gives), the unit every bucket carries and, only
 * when they differ, each bucket's own. A day of a metric is 4 or 5 rows instead of 288: a read
 * costs per row (a Buffer each), not per byte. Every bucket is exactly the row
 * `metric_five_minutes` held before (same additions in the same order), so reads fold the same
 * doubles.
 */
import type { PeriodColumns } from "../../domain/metrics/period-columns.js";
import { SqliteSum, UnitColumn } from "../../domain/metrics/period-columns.js";

export const bucketMs = 300_000;
export const blockMs = 6 * 3_600_000;
export const bucketsPerBlock = blockMs / bucketMs;
const fields = 4;

/** One stored block of one metric, decoded. */
export interface BlockRow {
  readonly blockMs: number;
  readonly data: Float64Array;
  /** The unit of every bucket (`units` when they differ). */
  unit: string;
  units: string[] | undefined;
}

export const blockOf = (ms: number): number => ms - (ms % blockMs);

export function emptyBlock(blockStartMs: number, unit: string): BlockRow {
  const data = new Float64Array(bucketsPerBlock * fields);
  for (let i = 0; i < bucketsPerBlock; i++) data[i * fields + 1] = Number.NaN;
  return { blockMs: blockStartMs, data, unit, units: undefined };
}

/** Whether bucket i holds data. */
export const holds = (row: BlockRow, i: number): boolean => !Number.isNaN(row.data[i * fields + 1]!);

/** The doubles of a stored blob (copied when the blob is not 8-byte aligned). */
export function doublesOf(blob: Uint8Array): Float64Array {
  if (blob.byteLength !== bucketsPerBlock * fields * 8) throw new Error(`metric block blob of ${blob.byteLength} bytes`);
  const bytes = blob.byteOffset % 8 === 0 ? blob : Uint8Array.prototype.slice.call(blob);
  return new Float64Array(bytes.buffer, bytes.byteOffset, bucketsPerBlock * fields);
}

export const blobOf = (data: Float64Array): Buffer => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

export const unitsOf = (text: string | null): string[] | undefined => (text === null ? undefined : (JSON.parse(text) as string[]));

export const unitsText = (row: BlockRow): string | null => (row.units ? JSON.stringify(row.units) : null);

/**
 * Adds one minute's aggregate to its bucket, as the old table's upsert did: an empty bucket takes
 * the values, a bucket with data adds the sum and count, keeps the extremes, and takes the unit.
 */
export function addToBlock(row: BlockRow, atMs: number, a: { sum: number; count: number; min: number; max: number; unit: string }): void {
  const i = Math.floor((atMs - row.blockMs) / bucketMs);
  const o = i * fields;
  const d = row.data;
  if (!holds(row, i)) {
    d[o] = a.sum;
    d[o + 1] = a.count;
    d[o + 2] = a.min;
    d[o + 3] = a.max;
  } else {
    d[o] = d[o]! + a.sum;
    d[o + 1] = d[o + 1]! + a.count;
    d[o + 2] = Math.min(d[o + 2]!, a.min);
    d[o + 3] = Math.max(d[o + 3]!, a.max);
  }
  if ((row.units?.[i] ?? row.unit) !== a.unit) {
    const units = row.units ?? new Array<string>(bucketsPerBlock).fill(row.unit);
    units[i] = a.unit;
    row.units = units;
    // One unit again across the buckets with data: back to the single column.
    const used = units.filter((_, k) => holds(row, k));
    if (used.every((u) => u === used[0])) {
      row.unit = used[0] ?? a.unit;
      row.units = undefined;
    }
  }
}

/** Empties the buckets that end at or before `cutMs`; whether any bucket still holds data. */
export function dropBefore(row: BlockRow, cutMs: number): boolean {
  let left = false;
  for (let i = 0; i < bucketsPerBlock; i++) {
    if (row.blockMs + (i + 1) * bucketMs <= cutMs) row.data[i * fields + 1] = Number.NaN;
    else left ||= holds(row, i);
  }
  return left;
}

/**
 * The buckets of `rows` (in time order) that start in [fromMs, toMs), folded into periods of
 * `periodMs` (a multiple of 5 minutes) aligned on multiples of it, as the old SQL folded them:
 * sums as SQLite's `sum()`, extremes, and the greatest unit (text order) of the period.
 */
export function foldBlocks(rows: readonly BlockRow[], fromMs: number, toMs: number, periodMs: number): PeriodColumns {
  // At most one period per bucket of the range (a day: 288, where its five blocks hold 360).
  const most = Math.max(0, Math.min(rows.length * bucketsPerBlock, Math.ceil((toMs - fromMs) / bucketMs)));
  // One backing store for the five columns: a call can fold a thousand metrics.
  const columns = new Float64Array(most * 5);
  const [timesMs, sum, count, min, max] = [0, 1, 2, 3, 4].map((f) => columns.subarray(f * most, (f + 1) * most)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  const units = new UnitColumn();
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
    const d = r.data;
    const first = Math.max(0, Math.ceil((fromMs - r.blockMs) / bucketMs));
    const last = Math.min(bucketsPerBlock, Math.ceil((toMs - r.blockMs) / bucketMs));
    for (let i = first; i < last; i++) {
      const o = i * fields;
      const n = d[o + 1]!;
      if (Number.isNaN(n)) continue;
      const t = r.blockMs + i * bucketMs;
      const unit = r.units === undefined ? r.unit : r.units[i]!;
      if (direct) {
        k++;
        timesMs[k] = t;
        sum[k] = d[o]!;
        count[k] = n;
        min[k] = d[o + 2]!;
        max[k] = d[o + 3]!;
        units.set(k, unit);
        continue;
      }
      const p = t - (t % periodMs);
      if (p !== open) {
        close();
        k++;
        open = p;
        timesMs[k] = p;
        min[k] = d[o + 2]!;
        max[k] = d[o + 3]!;
        units.set(k, unit);
        sums.reset();
        counts.reset();
      } else {
        min[k] = Math.min(min[k]!, d[o + 2]!);
        max[k] = Math.max(max[k]!, d[o + 3]!);
        if (unit > units.get(k)) units.set(k, unit);
      }
      sums.add(d[o]!);
      counts.add(n);
    }
  }
  close();
  const length = k + 1;
  return { length, timesMs: timesMs.subarray(0, length), sum: sum.subarray(0, length), count: count.subarray(0, length), min: min.subarray(0, length), max: max.subarray(0, length), units: units.value };
}
