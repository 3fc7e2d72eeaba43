import { SqliteSum } from "../../domain/metrics/period-columns.js";
import type { PeriodAggregate } from "../../domain/metrics/statistics.js";

/** A stored minute of one metric, as `metric_minutes` holds it. */
export interface MinuteRow {
  readonly t: number;
  readonly sum: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly unit: string;
}

/**
 * Minutes (oldest first) folded into periods of `periodMs` aligned on multiples of it, to the very
 * doubles SQLite's `GROUP BY` gave (sqlite/metrics.ts): sums and counts added in minute order as
 * SQLite's `sum()` adds them, not as PostgreSQL's (which rounds differently), the first of equal
 * extremes kept, and the greatest unit of the period.
 */
export function foldMinutes(rows: readonly MinuteRow[], periodMs: number): PeriodAggregate[] {
  // SQLite's `CAST(@period AS INTEGER)`, and its `%` (truncating, as JavaScript's).
  const period = Math.trunc(periodMs);
  const out: PeriodAggregate[] = [];
  const sums = new SqliteSum();
  const counts = new SqliteSum();
  let open: { timestampMs: number; min: number; max: number; unit: string } | undefined;
  const close = () => {
    if (open) out.push({ timestampMs: open.timestampMs, sum: sums.value, count: counts.value, min: open.min, max: open.max, unit: open.unit });
  };
  for (const r of rows) {
    const t = r.t - (r.t % period);
    if (open?.timestampMs !== t) {
      close();
      open = { timestampMs: t, min: r.min, max: r.max, unit: r.unit };
      sums.reset();
      counts.reset();
    } else {
      if (r.min < open.min) open.min = r.min;
      if (r.max > open.max) open.max = r.max;
      if (r.unit > open.unit) open.unit = r.unit;
    }
    sums.add(r.sum);
    counts.add(r.count);
  }
  close();
  return out;
}
