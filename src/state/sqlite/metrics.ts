import type { Database, Statement } from "better-sqlite3";
import { dimensionsKey, dimensionsOfKey, metricId, type MetricId, type MinuteAggregate } from "../../domain/metrics/series.js";
import { aggregatesOf, columnsOf, type PeriodColumns } from "../../domain/metrics/period-columns.js";
import { mergeSketches, sketchFromText, sketchText } from "../../domain/metrics/sketch.js";
import { distributionPeriods, type PeriodAggregate, type PeriodDistribution } from "../../domain/metrics/statistics.js";
import type { MetricQuery, MetricRepository, StoredMetric } from "../metric-records.js";
import { addToBlock, blobOf, blockMs, blockOf, bucketMs, doublesOf, dropBefore, emptyBlock, foldBlocks, unitsOf, unitsText, type BlockRow } from "./metric-blocks.js";

interface AggregateRow {
  t: number;
  sum: number;
  count: number;
  min: number;
  max: number;
  unit: string;
}

interface SeriesRow {
  namespace: string;
  name: string;
  dims: string;
  last_ms: number;
}

interface ListParams {
  namespace: string;
  name: string;
  since: number;
  wanted: string;
  a: string;
  b: string;
  c: string;
  limit: number;
}

interface RangeParams {
  series: number;
  from: number;
  to: number;
  period: number;
}

type StoredBlock = [block_ms: number, data: Uint8Array, unit: string, units: string | null];

/**
 * CloudWatch datapoints (migrations 15 and 18): each metric a row of `metric_series` whose id keys
 * its data, one row per minute added to in place (a minute reported in several batches stays one
 * row), and the same folded per 5 minutes and packed in blocks of six hours (metric-blocks.ts), which reads of
 * periods that are multiples of 5 minutes use: a day of a metric is 5 rows instead of 1,440.
 */
export class SqliteMetrics implements MetricRepository {
  private readonly seriesStmt: Statement<[string, string, string, number], { id: number }>;
  private readonly idStmt: Statement<[string, string, string], { id: number }>;
  private readonly minuteStmt: Statement<[number, number, number, number, number, number, string]>;
  private readonly blockStmt: Statement<[number, number], StoredBlock>;
  /** A metric's blocks in a range, found by the metric's key: one statement, not a lookup of its id and then another. */
  private readonly blocksStmt: Statement<[string, string, string, number, number], StoredBlock>;
  private readonly putBlockStmt: Statement<[number, number, Buffer, string, string | null]>;
  private readonly updateBlockStmt: Statement<[Buffer, string, string | null, number, number]>;
  private readonly deleteBlockStmt: Statement<[number, number]>;
  private readonly cutBlocksStmt: Statement<[{ before: number }], { series: number; block_ms: number; data: Uint8Array; unit: string; units: string | null }>;
  private readonly minutesStmt: Statement<[number, number, number], AggregateRow>;
  private readonly periodsStmt: Statement<[RangeParams], PeriodAggregate>;
  /** A period of exactly one stored minute: read as stored, nothing to fold. */
  private readonly minuteRowsStmt: Statement<[RangeParams], PeriodAggregate>;
  private readonly listStmt: Statement<[ListParams], SeriesRow>;
  private readonly sketchStmt: Statement<[number, number], { data: string }>;
  private readonly putSketchStmt: Statement<[number, number, string]>;
  private readonly distributionsStmt: Statement<[number, number, number], AggregateRow & { data: string | null }>;
  private readonly pruneStmts: Statement<[{ before: number }]>[];

  constructor(db: Database) {
    this.seriesStmt = db.prepare(
      `INSERT INTO metric_series (namespace, name, dims, last_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (namespace, name, dims) DO UPDATE SET last_ms = max(last_ms, excluded.last_ms) RETURNING id`,
    );
    this.idStmt = db.prepare("SELECT id FROM metric_series WHERE namespace = ? AND name = ? AND dims = ?");
    this.minuteStmt = db.prepare(
      `INSERT INTO metric_minutes (series, minute_ms, sum, count, min, max, unit) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (series, minute_ms) DO UPDATE SET sum = sum + excluded.sum, count = count + excluded.count,
         min = min(min, excluded.min), max = max(max, excluded.max), unit = excluded.unit`,
    );
    // Raw rows (arrays, not objects).
    this.blockStmt = db.prepare<[number, number], StoredBlock>("SELECT block_ms, data, unit, units FROM metric_five_blocks WHERE series = ? AND block_ms = ?").raw(true);
    this.blocksStmt = db
      .prepare<[string, string, string, number, number], StoredBlock>(
        `SELECT block_ms, data, unit, units FROM metric_five_blocks
         WHERE series = (SELECT id FROM metric_series WHERE namespace = ? AND name = ? AND dims = ?) AND block_ms >= ? AND block_ms < ? ORDER BY block_ms`,
      )
      .raw(true);
    this.putBlockStmt = db.prepare("INSERT INTO metric_five_blocks (series, block_ms, data, unit, units) VALUES (?, ?, ?, ?, ?)");
    // In place: a REPLACE would delete the row and insert it anew, touching both indexes.
    this.updateBlockStmt = db.prepare("UPDATE metric_five_blocks SET data = ?, unit = ?, units = ? WHERE series = ? AND block_ms = ?");
    this.deleteBlockStmt = db.prepare("DELETE FROM metric_five_blocks WHERE series = ? AND block_ms = ?");
    this.cutBlocksStmt = db.prepare(`SELECT series, block_ms, data, unit, units FROM metric_five_blocks WHERE block_ms < @before AND block_ms + ${blockMs} > @before`);
    this.minutesStmt = db.prepare("SELECT minute_ms AS t, sum, count, min, max, unit FROM metric_minutes WHERE series = ? AND minute_ms >= ? AND minute_ms < ? ORDER BY minute_ms");
    // Folded in SQLite: one row per period comes back, not one per minute.
    // Rows come back in PeriodAggregate's shape (no mapping of hundreds of thousands of rows in JavaScript).
    this.periodsStmt = db.prepare<[RangeParams], PeriodAggregate>(
      `SELECT minute_ms - minute_ms % CAST(@period AS INTEGER) AS timestampMs, sum(sum) AS sum, sum(count) AS count, min(min) AS min, max(max) AS max, max(unit) AS unit
       FROM metric_minutes WHERE series = @series AND minute_ms >= @from AND minute_ms < @to GROUP BY timestampMs ORDER BY timestampMs`,
    );
    // GROUP BY sorts every row through a temporary b-tree even when each group is one row: the key's order already is the answer.
    this.minuteRowsStmt = db.prepare<[RangeParams], PeriodAggregate>(
      "SELECT minute_ms AS timestampMs, sum, count, min, max, unit FROM metric_minutes WHERE series = @series AND minute_ms >= @from AND minute_ms < @to ORDER BY minute_ms",
    );
    // `@namespace = ''` means any namespace (or name); `@wanted`, when set, lists the dimensions every row must carry.
    this.listStmt = db.prepare(
      `SELECT namespace, name, dims, last_ms FROM metric_series
       WHERE (@namespace = '' OR namespace = @namespace) AND (@name = '' OR name = @name) AND (namespace, name, dims) > (@a, @b, @c)
         AND (@wanted = '' OR (SELECT count(*) FROM json_each(@wanted) w WHERE EXISTS (SELECT 1 FROM json_each(dims) d
               WHERE d.value ->> 0 = w.value ->> 0 AND (w.value ->> 1 IS NULL OR d.value ->> 1 = w.value ->> 1))) = json_array_length(@wanted))
         AND last_ms >= @since
       ORDER BY namespace, name, dims LIMIT @limit`,
    );
    this.sketchStmt = db.prepare("SELECT data FROM metric_sketches WHERE series = ? AND minute_ms = ?");
    this.putSketchStmt = db.prepare("INSERT INTO metric_sketches (series, minute_ms, data) VALUES (?, ?, ?) ON CONFLICT (series, minute_ms) DO UPDATE SET data = excluded.data");
    this.distributionsStmt = db.prepare(
      `SELECT m.minute_ms AS t, m.sum, m.count, m.min, m.max, m.unit, s.data FROM metric_minutes m LEFT JOIN metric_sketches s ON s.series = m.series AND s.minute_ms = m.minute_ms
       WHERE m.series = ? AND m.minute_ms >= ? AND m.minute_ms < ? ORDER BY m.minute_ms`,
    );
    // A bucket goes once it ends at or before the cut: whole blocks here, the block the cut falls in by prune().
    this.pruneStmts = [
      db.prepare("DELETE FROM metric_minutes WHERE minute_ms < @before"),
      db.prepare("DELETE FROM metric_sketches WHERE minute_ms < @before"),
      db.prepare(`DELETE FROM metric_five_blocks WHERE block_ms + ${blockMs} <= @before`),
      db.prepare("DELETE FROM metric_series WHERE last_ms < @before"),
    ];
  }

  add(points: readonly MinuteAggregate[]): Promise<void> {
    // Each block the batch touches is read and written once, its minutes added in the batch's order.
    const touched = new Map<string, { id: number; row: BlockRow; stored: boolean }>();
    for (const p of points) {
      const { id } = this.seriesStmt.get(p.metric.namespace, p.metric.metricName, dimensionsKey(p.metric.dimensions), p.minuteMs)!;
      this.minuteStmt.run(id, p.minuteMs, p.sum, p.count, p.min, p.max, p.unit);
      if (p.sketch) {
        const was = this.sketchStmt.get(id, p.minuteMs);
        this.putSketchStmt.run(id, p.minuteMs, sketchText(was ? mergeSketches(sketchFromText(was.data), p.sketch) : p.sketch));
      }
      const block = blockOf(p.minuteMs);
      const key = `${id}/${block}`;
      let t = touched.get(key);
      if (!t) {
        const stored = this.blockStmt.get(id, block);
        t = { id, row: stored ? blockRowOf(stored) : emptyBlock(block, p.unit), stored: stored !== undefined };
        touched.set(key, t);
      }
      addToBlock(t.row, p.minuteMs, p);
    }
    for (const { id, row, stored } of touched.values()) {
      if (stored) this.updateBlockStmt.run(blobOf(row.data), row.unit, unitsText(row), id, row.blockMs);
      else this.putBlockStmt.run(id, row.blockMs, blobOf(row.data), row.unit, unitsText(row));
    }
    return Promise.resolve();
  }

  private idOf(metric: MetricId): number | undefined {
    return this.idStmt.get(metric.namespace, metric.metricName, dimensionsKey(metric.dimensions))?.id;
  }

  minutes(metric: MetricId, fromMs: number, toMs: number): Promise<MinuteAggregate[]> {
    const id = this.idOf(metric);
    const rows = id === undefined ? [] : this.minutesStmt.all(id, fromMs, toMs);
    return Promise.resolve(rows.map((r) => ({ metric, minuteMs: r.t, sum: r.sum, count: r.count, min: r.min, max: r.max, unit: r.unit })));
  }

  periods(metric: MetricId, fromMs: number, toMs: number, periodMs: number): Promise<PeriodAggregate[]> {
    if (coarse(fromMs, toMs, periodMs)) return Promise.resolve(aggregatesOf(this.foldedBlocks(metric, fromMs, toMs, periodMs)));
    const id = this.idOf(metric);
    if (id === undefined) return Promise.resolve([]);
    const stmt = periodMs === 60_000 && fromMs % 60_000 === 0 ? this.minuteRowsStmt : this.periodsStmt;
    return Promise.resolve(stmt.all({ series: id, from: fromMs, to: toMs, period: periodMs }));
  }

  periodColumns(metric: MetricId, fromMs: number, toMs: number, periodMs: number): Promise<PeriodColumns> {
    if (coarse(fromMs, toMs, periodMs)) return Promise.resolve(this.foldedBlocks(metric, fromMs, toMs, periodMs));
    return this.periods(metric, fromMs, toMs, periodMs).then(columnsOf);
  }

  private foldedBlocks(metric: MetricId, fromMs: number, toMs: number, periodMs: number): PeriodColumns {
    const rows = this.blocksStmt.all(metric.namespace, metric.metricName, dimensionsKey(metric.dimensions), blockOf(fromMs), toMs).map(blockRowOf);
    return foldBlocks(rows, fromMs, toMs, periodMs);
  }

  distributions(metric: MetricId, fromMs: number, toMs: number, periodMs: number): Promise<PeriodDistribution[]> {
    const id = this.idOf(metric);
    const rows = id === undefined ? [] : this.distributionsStmt.all(id, fromMs, toMs);
    return Promise.resolve(distributionPeriods(rows.map((r) => ({ minuteMs: r.t, count: r.count, min: r.min, max: r.max, unit: r.unit, sketch: r.data === null ? undefined : sketchFromText(r.data) })), periodMs));
  }

  list(q: MetricQuery): Promise<{ items: StoredMetric[]; next?: string | undefined }> {
    const wanted = q.dimensions && q.dimensions.length > 0 ? JSON.stringify(q.dimensions.map((d) => (d.value === undefined ? [d.name] : [d.name, d.value]))) : "";
    const [a, b, c] = afterKey(q.after);
    const rows = this.listStmt.all({ namespace: q.namespace ?? "", name: q.metricName ?? "", since: q.sinceMs ?? 0, wanted, a, b, c, limit: q.limit + 1 });
    const items = rows.slice(0, q.limit).map((r) => ({ metric: metricId(r.namespace, r.name, dimensionsOfKey(r.dims)), lastMinuteMs: r.last_ms }));
    const last = rows.length > q.limit ? rows[q.limit - 1] : undefined;
    return Promise.resolve({ items, next: last && JSON.stringify([last.namespace, last.name, last.dims]) });
  }

  prune(beforeMs: number): Promise<number> {
    // The number of minutes pruned; the 5-minute buckets and the series go with them.
    const [minutes] = this.pruneStmts.map((s) => s.run({ before: beforeMs }).changes);
    for (const r of this.cutBlocksStmt.all({ before: beforeMs })) {
      const row = blockRowOf([r.block_ms, r.data, r.unit, r.units]);
      if (dropBefore(row, beforeMs)) this.updateBlockStmt.run(blobOf(row.data), row.unit, unitsText(row), r.series, r.block_ms);
      else this.deleteBlockStmt.run(r.series, r.block_ms);
    }
    return Promise.resolve(minutes ?? 0);
  }
}

/** The 5-minute buckets hold whole buckets: usable when periods and range are made of whole buckets. */
const coarse = (fromMs: number, toMs: number, periodMs: number): boolean => periodMs % bucketMs === 0 && fromMs % bucketMs === 0 && toMs % bucketMs === 0;

const blockRowOf = ([block, data, unit, units]: StoredBlock): BlockRow => ({ blockMs: block, data: doublesOf(data), unit, units: unitsOf(units) });

/** The continuation key `list` hands out: the last metric's (namespace, name, dims); empty strings sort first. */
function afterKey(after: string | undefined): [string, string, string] {
  if (after === undefined) return ["", "", ""];
  const parsed: unknown = JSON.parse(after);
  if (Array.isArray(parsed) && parsed.length === 3 && parsed.every((x) => typeof x === "string")) return [parsed[0] as string, parsed[1] as string, parsed[2] as string];
  throw new Error("not a metric continuation key");
}
