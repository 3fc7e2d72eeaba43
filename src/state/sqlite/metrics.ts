import type { Database, Statement } from "better-sqlite3";
import { dimensionsKey, dimensionsOfKey, metricId, type MetricId, type MinuteAggregate } from "../../domain/metrics/series.js";
import type { PeriodAggregate } from "../../domain/metrics/statistics.js";
import type { MetricQuery, MetricRepository, StoredMetric } from "../metric-records.js";

interface MinuteRow {
  minute_ms: number;
  sum: number;
  count: number;
  min: number;
  max: number;
  unit: string;
}

interface PeriodRow {
  t: number;
  sum: number;
  count: number;
  min: number;
  max: number;
  unit: string;
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

interface SeriesRow {
  namespace: string;
  name: string;
  dims: string;
  last_ms: number;
}

/**
 * CloudWatch datapoints (the metrics migration): one row per metric and minute, added to in
 * place, so a minute reported in several batches stays one row.
 */
export class SqliteMetrics implements MetricRepository {
  private readonly upsertStmt: Statement<[string, string, string, number, number, number, number, number, string]>;
  private readonly minutesStmt: Statement<[string, string, string, number, number], MinuteRow>;
  private readonly listStmt: Statement<[ListParams], SeriesRow>;
  private readonly seriesStmt: Statement<[string, string, string, number]>;
  private readonly pruneSeriesStmt: Statement<[number]>;
  private readonly pruneStmt: Statement<[number]>;
  private readonly periodsStmt: Statement<[{ namespace: string; name: string; dims: string; from: number; to: number; period: number }], PeriodRow>;

  constructor(db: Database) {
    this.upsertStmt = db.prepare(
      `INSERT INTO metric_minutes (namespace, name, dims, minute_ms, sum, count, min, max, unit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (namespace, name, dims, minute_ms) DO UPDATE SET sum = sum + excluded.sum, count = count + excluded.count,
         min = min(min, excluded.min), max = max(max, excluded.max), unit = excluded.unit`,
    );
    this.minutesStmt = db.prepare("SELECT minute_ms, sum, count, min, max, unit FROM metric_minutes WHERE namespace = ? AND name = ? AND dims = ? AND minute_ms >= ? AND minute_ms < ? ORDER BY minute_ms");
    // `@namespace = ''` means any namespace (or name); `@wanted`, when set, lists the dimensions every row must carry.
    this.listStmt = db.prepare(
      `SELECT namespace, name, dims, last_ms FROM metric_series
       WHERE (@namespace = '' OR namespace = @namespace) AND (@name = '' OR name = @name) AND (namespace, name, dims) > (@a, @b, @c)
         AND (@wanted = '' OR (SELECT count(*) FROM json_each(@wanted) w WHERE EXISTS (SELECT 1 FROM json_each(dims) d
               WHERE d.value ->> 0 = w.value ->> 0 AND (w.value ->> 1 IS NULL OR d.value ->> 1 = w.value ->> 1))) = json_array_length(@wanted))
         AND last_ms >= @since
       ORDER BY namespace, name, dims LIMIT @limit`,
    );
    this.seriesStmt = db.prepare(
      `INSERT INTO metric_series (namespace, name, dims, last_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (namespace, name, dims) DO UPDATE SET last_ms = max(last_ms, excluded.last_ms)`,
    );
    this.pruneStmt = db.prepare("DELETE FROM metric_minutes WHERE minute_ms < ?");
    // Folded in SQLite: a day of minutes of a thousand metrics is read without a row object per minute.
    this.periodsStmt = db.prepare(
      `SELECT minute_ms - minute_ms % CAST(@period AS INTEGER) AS t, sum(sum) AS sum, sum(count) AS count, min(min) AS min, max(max) AS max, max(unit) AS unit
       FROM metric_minutes WHERE namespace = @namespace AND name = @name AND dims = @dims AND minute_ms >= @from AND minute_ms < @to
       GROUP BY t ORDER BY t`,
    );
    this.pruneSeriesStmt = db.prepare("DELETE FROM metric_series WHERE last_ms < ?");
  }

  add(points: readonly MinuteAggregate[]): Promise<void> {
    for (const p of points) {
      const dims = dimensionsKey(p.metric.dimensions);
      this.upsertStmt.run(p.metric.namespace, p.metric.metricName, dims, p.minuteMs, p.sum, p.count, p.min, p.max, p.unit);
      this.seriesStmt.run(p.metric.namespace, p.metric.metricName, dims, p.minuteMs);
    }
    return Promise.resolve();
  }

  minutes(metric: MetricId, fromMs: number, toMs: number): Promise<MinuteAggregate[]> {
    const rows = this.minutesStmt.all(metric.namespace, metric.metricName, dimensionsKey(metric.dimensions), fromMs, toMs);
    return Promise.resolve(rows.map((r) => ({ metric, minuteMs: r.minute_ms, sum: r.sum, count: r.count, min: r.min, max: r.max, unit: r.unit })));
  }

  periods(metric: MetricId, fromMs: number, toMs: number, periodMs: number): Promise<PeriodAggregate[]> {
    const rows = this.periodsStmt.all({ namespace: metric.namespace, name: metric.metricName, dims: dimensionsKey(metric.dimensions), from: fromMs, to: toMs, period: periodMs });
    return Promise.resolve(rows.map((r) => ({ timestampMs: r.t, sum: r.sum, count: r.count, min: r.min, max: r.max, unit: r.unit })));
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
    this.pruneSeriesStmt.run(beforeMs);
    return Promise.resolve(this.pruneStmt.run(beforeMs).changes);
  }
}

/** The continuation key `list` hands out: the last metric's (namespace, name, dims); empty strings sort first. */
function afterKey(after: string | undefined): [string, string, string] {
  if (after === undefined) return ["", "", ""];
  const parsed: unknown = JSON.parse(after);
  if (Array.isArray(parsed) && parsed.length === 3 && parsed.every((x) => typeof x === "string")) return [parsed[0] as string, parsed[1] as string, parsed[2] as string];
  throw new Error("not a metric continuation key");
}
