import { dimensionsKey, dimensionsOfKey, metricId, type MetricId, type MinuteAggregate } from "../../domain/metrics/series.js";
import { aggregatesOf, columnsOf, type PeriodColumns } from "../../domain/metrics/period-columns.js";
import { mergeSketches, sketchFromText, sketchText } from "../../domain/metrics/sketch.js";
import { distributionPeriods, type PeriodAggregate, type PeriodDistribution } from "../../domain/metrics/statistics.js";
import type { MetricQuery, MetricRepository, StoredMetric } from "../metric-records.js";
import { addToBlock, blockOf, bucketMs, dropBefore, emptyBlock, foldBlocks } from "../sqlite/metric-blocks.js";
import { blocksCutBy, blocksOfMetric, deleteBlocks, deleteBlocksBefore, loadBlocks, saveBlocks, type SeriesBlock } from "./metric-blocks.js";
import { foldMinutes, type MinuteRow } from "./minute-periods.js";
import type { Sql } from "./sql.js";

interface SeriesRow {
  namespace: string;
  name: string;
  dims: string;
  last_ms: number;
}

type SeriesKey = readonly [namespace: string, name: string, dims: string];

const keyOf = (m: MetricId): SeriesKey => [m.namespace, m.metricName, dimensionsKey(m.dimensions)];
const textOf = (k: SeriesKey): string => JSON.stringify(k);

/** The metric's series id, as a scalar subquery over `$1, $2, $3` (the scan then has a constant id). */
const seriesOf = "(SELECT id FROM metric_series WHERE namespace = $1 AND name = $2 AND dims = $3)";

/**
 * CloudWatch datapoints, as sqlite/metrics.ts keeps them: a row of `metric_series` per metric,
 * one row per minute added to in place, and the 5-minute fold packed in six-hour blocks
 * (metric-blocks.ts). A batch of datapoints is a few statements, whatever its size: the series,
 * the minutes, the blocks each in one statement over arrays.
 */
export class PostgresMetrics implements MetricRepository {
  constructor(private readonly db: Sql) {}

  async add(points: readonly MinuteAggregate[]): Promise<void> {
    if (points.length === 0) return;
    const keys = points.map((p) => keyOf(p.metric));
    const ids = await this.seriesIds(points, keys);
    const idOf = (i: number) => ids.get(textOf(keys[i]!))!;
    await this.addMinutes(points, idOf);
    await this.addSketches(points, idOf);
    // Each block the batch touches is read and written once, its minutes added in the batch's order.
    const touched = new Map<string, SeriesBlock>();
    const wanted = new Map<string, { series: number; blockMs: number }>();
    points.forEach((p, i) => wanted.set(`${idOf(i)}/${blockOf(p.minuteMs)}`, { series: idOf(i), blockMs: blockOf(p.minuteMs) }));
    for (const b of await loadBlocks(this.db, [...wanted.values()])) touched.set(`${b.series}/${b.row.blockMs}`, b);
    points.forEach((p, i) => {
      const series = idOf(i);
      const key = `${series}/${blockOf(p.minuteMs)}`;
      let t = touched.get(key);
      if (!t) touched.set(key, (t = { series, row: emptyBlock(blockOf(p.minuteMs), p.unit) }));
      addToBlock(t.row, p.minuteMs, p);
    });
    await saveBlocks(this.db, [...touched.values()]);
  }

  /** Every metric of the batch's series id, created when new; its newest minute moves forward. */
  private async seriesIds(points: readonly MinuteAggregate[], keys: readonly SeriesKey[]): Promise<Map<string, number>> {
    // One row per metric (one INSERT may not touch a row twice), in order of first appearance.
    const newest = new Map<string, { key: SeriesKey; lastMs: number }>();
    points.forEach((p, i) => {
      const text = textOf(keys[i]!);
      const was = newest.get(text);
      if (!was) newest.set(text, { key: keys[i]!, lastMs: p.minuteMs });
      else was.lastMs = Math.max(was.lastMs, p.minuteMs);
    });
    const series = [...newest.values()];
    const rows = await this.db.rows<{ id: number; namespace: string; name: string; dims: string }>(
      `INSERT INTO metric_series (namespace, name, dims, last_ms)
       SELECT s.namespace, s.name, s.dims, s.last_ms FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY AS s (namespace, name, dims, last_ms, n) ORDER BY s.n
       ON CONFLICT (namespace, name, dims) DO UPDATE SET last_ms = GREATEST(metric_series.last_ms, excluded.last_ms) RETURNING id, namespace, name, dims`,
      [series.map((s) => s.key[0]), series.map((s) => s.key[1]), series.map((s) => s.key[2]), series.map((s) => s.lastMs)],
    );
    return new Map(rows.map((r) => [textOf([r.namespace, r.name, r.dims]), r.id]));
  }

  /**
   * Adds each point to its minute's row. A minute reported twice in the batch goes in a second
   * statement (one INSERT may not touch a row twice), so that every row adds its points one by
   * one in the batch's order, as SQLite does: the same doubles, not a sum rounded another way.
   */
  private async addMinutes(points: readonly MinuteAggregate[], idOf: (i: number) => number): Promise<void> {
    const seen = new Map<string, number>();
    const rounds: { series: number; p: MinuteAggregate }[][] = [];
    points.forEach((p, i) => {
      const key = `${idOf(i)}/${p.minuteMs}`;
      const round = seen.get(key) ?? 0;
      seen.set(key, round + 1);
      (rounds[round] ??= []).push({ series: idOf(i), p });
    });
    for (const round of rounds) {
      await this.db.run(
        `INSERT INTO metric_minutes (series, minute_ms, sum, count, min, max, unit)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::text[])
         ON CONFLICT (series, minute_ms) DO UPDATE SET sum = metric_minutes.sum + excluded.sum, count = metric_minutes.count + excluded.count,
           min = LEAST(metric_minutes.min, excluded.min), max = GREATEST(metric_minutes.max, excluded.max), unit = excluded.unit`,
        [
          round.map((r) => r.series),
          round.map((r) => r.p.minuteMs),
          round.map((r) => r.p.sum),
          round.map((r) => r.p.count),
          round.map((r) => r.p.min),
          round.map((r) => r.p.max),
          round.map((r) => r.p.unit),
        ],
      );
    }
  }

  /** Merges the points' distributions into their minutes' sketches: the batch's read in one statement, written in another. */
  private async addSketches(points: readonly MinuteAggregate[], idOf: (i: number) => number): Promise<void> {
    const merged = new Map<string, { series: number; minuteMs: number; sketch: NonNullable<MinuteAggregate["sketch"]> }>();
    points.forEach((p, i) => {
      if (!p.sketch) return;
      const key = `${idOf(i)}/${p.minuteMs}`;
      const was = merged.get(key);
      merged.set(key, { series: idOf(i), minuteMs: p.minuteMs, sketch: was ? mergeSketches(was.sketch, p.sketch) : p.sketch });
    });
    if (merged.size === 0) return;
    const wanted = [...merged.values()];
    const stored = await this.db.rows<{ series: number; minute_ms: number; data: string }>(
      "SELECT s.series, s.minute_ms, s.data FROM metric_sketches s JOIN unnest($1::bigint[], $2::bigint[]) AS w (series, minute_ms) USING (series, minute_ms)",
      [wanted.map((w) => w.series), wanted.map((w) => w.minuteMs)],
    );
    for (const r of stored) {
      const w = merged.get(`${r.series}/${r.minute_ms}`);
      if (w) w.sketch = mergeSketches(sketchFromText(r.data), w.sketch);
    }
    await this.db.run(
      `INSERT INTO metric_sketches (series, minute_ms, data) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[])
       ON CONFLICT (series, minute_ms) DO UPDATE SET data = excluded.data`,
      [wanted.map((w) => w.series), wanted.map((w) => w.minuteMs), wanted.map((w) => sketchText(w.sketch))],
    );
  }

  async distributions(metric: MetricId, fromMs: number, toMs: number, periodMs: number): Promise<PeriodDistribution[]> {
    const rows = await this.db.rows<MinuteRow & { data: string | null }>(
      `SELECT m.minute_ms AS t, m.sum, m.count, m.min, m.max, m.unit, s.data FROM metric_minutes m LEFT JOIN metric_sketches s ON s.series = m.series AND s.minute_ms = m.minute_ms
       WHERE m.series = ${seriesOf} AND m.minute_ms >= $4 AND m.minute_ms < $5 ORDER BY m.minute_ms`,
      [...keyOf(metric), fromMs, toMs],
    );
    return distributionPeriods(rows.map((r) => ({ minuteMs: r.t, count: r.count, min: r.min, max: r.max, unit: r.unit, sketch: r.data === null ? undefined : sketchFromText(r.data) })), periodMs);
  }

  async minutes(metric: MetricId, fromMs: number, toMs: number): Promise<MinuteAggregate[]> {
    const rows = await this.minuteRows(metric, fromMs, toMs);
    return rows.map((r) => ({ metric, minuteMs: r.t, sum: r.sum, count: r.count, min: r.min, max: r.max, unit: r.unit }));
  }

  async periods(metric: MetricId, fromMs: number, toMs: number, periodMs: number): Promise<PeriodAggregate[]> {
    if (coarse(fromMs, toMs, periodMs)) return aggregatesOf(await this.foldedBlocks(metric, fromMs, toMs, periodMs));
    // Folded here, not by the SQL: PostgreSQL's sum() of doubles rounds otherwise than SQLite's.
    return foldMinutes(await this.minuteRows(metric, fromMs, toMs), periodMs);
  }

  async periodColumns(metric: MetricId, fromMs: number, toMs: number, periodMs: number): Promise<PeriodColumns> {
    if (coarse(fromMs, toMs, periodMs)) return this.foldedBlocks(metric, fromMs, toMs, periodMs);
    return columnsOf(await this.periods(metric, fromMs, toMs, periodMs));
  }

  private minuteRows(metric: MetricId, fromMs: number, toMs: number): Promise<MinuteRow[]> {
    return this.db.rows<MinuteRow>(
      `SELECT minute_ms AS t, sum, count, min, max, unit FROM metric_minutes WHERE series = ${seriesOf} AND minute_ms >= $4 AND minute_ms < $5 ORDER BY minute_ms`,
      [...keyOf(metric), fromMs, toMs],
    );
  }

  private async foldedBlocks(metric: MetricId, fromMs: number, toMs: number, periodMs: number): Promise<PeriodColumns> {
    return foldBlocks(await blocksOfMetric(this.db, keyOf(metric), blockOf(fromMs), toMs), fromMs, toMs, periodMs);
  }

  async list(q: MetricQuery): Promise<{ items: StoredMetric[]; next?: string | undefined }> {
    const wanted = q.dimensions && q.dimensions.length > 0 ? JSON.stringify(q.dimensions.map((d) => (d.value === undefined ? [d.name] : [d.name, d.value]))) : null;
    const [a, b, c] = afterKey(q.after);
    // `$1 = ''` means any namespace (`$2`, any name); `$4`, when set, lists the dimensions every row must carry.
    const rows = await this.db.rows<SeriesRow>(
      `SELECT namespace, name, dims, last_ms FROM metric_series
       WHERE ($1 = '' OR namespace = $1) AND ($2 = '' OR name = $2) AND (namespace, name, dims) > ($5, $6, $7)
         AND ($4::json IS NULL OR (SELECT count(*) FROM json_array_elements($4::json) w WHERE EXISTS (SELECT FROM json_array_elements(dims::json) d
               WHERE d ->> 0 = w ->> 0 AND (w ->> 1 IS NULL OR d ->> 1 = w ->> 1))) = json_array_length($4::json))
         AND last_ms >= $3
       ORDER BY namespace, name, dims LIMIT $8`,
      [q.namespace ?? "", q.metricName ?? "", q.sinceMs ?? 0, wanted, a, b, c, q.limit + 1],
    );
    const items = rows.slice(0, q.limit).map((r) => ({ metric: metricId(r.namespace, r.name, dimensionsOfKey(r.dims)), lastMinuteMs: r.last_ms }));
    const last = rows.length > q.limit ? rows[q.limit - 1] : undefined;
    return { items, next: last && JSON.stringify([last.namespace, last.name, last.dims]) };
  }

  async prune(beforeMs: number): Promise<number> {
    // The number of minutes pruned; the 5-minute buckets and the series go with them.
    const minutes = await this.db.run("DELETE FROM metric_minutes WHERE minute_ms < $1", [beforeMs]);
    await this.db.run("DELETE FROM metric_sketches WHERE minute_ms < $1", [beforeMs]);
    await deleteBlocksBefore(this.db, beforeMs);
    await this.db.run("DELETE FROM metric_series WHERE last_ms < $1", [beforeMs]);
    // A bucket goes once it ends at or before the cut: whole blocks above, the block the cut falls in here.
    const kept: SeriesBlock[] = [];
    const emptied: { series: number; blockMs: number }[] = [];
    for (const b of await blocksCutBy(this.db, beforeMs)) {
      if (dropBefore(b.row, beforeMs)) kept.push(b);
      else emptied.push({ series: b.series, blockMs: b.row.blockMs });
    }
    await saveBlocks(this.db, kept);
    await deleteBlocks(this.db, emptied);
    return minutes;
  }
}

/** The 5-minute buckets hold whole buckets: usable when periods and range are made of whole buckets. */
const coarse = (fromMs: number, toMs: number, periodMs: number): boolean => periodMs % bucketMs === 0 && fromMs % bucketMs === 0 && toMs % bucketMs === 0;

/** The continuation key `list` hands out: the last metric's (namespace, name, dims); empty strings sort first. */
function afterKey(after: string | undefined): [string, string, string] {
  if (after === undefined) return ["", "", ""];
  const parsed: unknown = JSON.parse(after);
  if (Array.isArray(parsed) && parsed.length === 3 && parsed.every((x) => typeof x === "string")) return [parsed[0] as string, parsed[1] as string, parsed[2] as string];
  throw new Error("not a metric continuation key");
}
