import { describe, it } from "node:test";
import assert from "node:assert/strict";
import Sqlite from "better-sqlite3";
import { unitAt } from "../../domain/metrics/period-columns.js";
import { metricId, type MinuteAggregate } from "../../domain/metrics/series.js";
import { statistic, statisticNames, type PeriodAggregate } from "../../domain/metrics/statistics.js";
import { SqliteMetrics } from "./metrics.js";
import { migrations } from "./migrations.js";

/**
 * The 5-minute fold packed in blocks (migration 18) against the table and SQL it replaced: the same
 * additions, then the same reads, must give the very same doubles and units. The old path is
 * migration 15's `metric_five_minutes` with the upsert and the two reads the store used.
 */
const metric = metricId("AWS/ECS", "CPUUtilization", [{ name: "ClusterName", value: "c" }, { name: "ServiceName", value: "web" }]);
const hour = 3_600_000;
const five = 300_000;
const block = 6 * hour;
/** Two hours before a block starts: the data straddle blocks. */
const t0 = 1_796_000_400_000 - (1_796_000_400_000 % block) - 2 * hour;

/** A database at schema 17, the last before the packed fold. */
function schema17(): Sqlite.Database {
  const db = new Sqlite(":memory:");
  for (const m of migrations.filter((x) => x.version <= 17)) db.exec(m.sql);
  db.pragma("user_version = 17");
  return db;
}

function oldPath(db: Sqlite.Database) {
  const upsert = db.prepare(
    `INSERT INTO metric_five_minutes (series, bucket_ms, sum, count, min, max, unit) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (series, bucket_ms) DO UPDATE SET sum = sum + excluded.sum, count = count + excluded.count,
       min = min(min, excluded.min), max = max(max, excluded.max), unit = excluded.unit`,
  );
  const fold = db.prepare<[{ from: number; to: number; period: number }], PeriodAggregate>(
    `SELECT bucket_ms - bucket_ms % CAST(@period AS INTEGER) AS timestampMs, sum(sum) AS sum, sum(count) AS count, min(min) AS min, max(max) AS max, max(unit) AS unit
     FROM metric_five_minutes WHERE series = 1 AND bucket_ms >= @from AND bucket_ms < @to GROUP BY timestampMs ORDER BY timestampMs`,
  );
  const rows = db.prepare<[{ from: number; to: number }], PeriodAggregate>(
    "SELECT bucket_ms AS timestampMs, sum, count, min, max, unit FROM metric_five_minutes WHERE series = 1 AND bucket_ms >= @from AND bucket_ms < @to ORDER BY bucket_ms",
  );
  return {
    add: (a: MinuteAggregate) => upsert.run(1, a.minuteMs - (a.minuteMs % five), a.sum, a.count, a.min, a.max, a.unit),
    periods: (from: number, to: number, period: number) => (period === five ? rows.all({ from, to }) : fold.all({ from, to, period })),
  };
}

/** Pseudo-random but repeatable data over a day and a half: gaps (missing minutes, whole missing hours), repeats of a minute, odd doubles, two units. */
function data(seed: number): MinuteAggregate[] {
  let x = seed;
  const rnd = () => ((x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const out: MinuteAggregate[] = [];
  for (let m = 0; m < 36 * 60; m++) {
    if (rnd() < 0.15 || (m >= 300 && m < 420)) continue;
    for (let r = rnd() < 0.2 ? 2 : 1; r > 0; r--) {
      const v = rnd() * 100 + 1 / 3;
      const n = 1 + Math.floor(rnd() * 4);
      out.push({ metric, minuteMs: t0 + m * 60_000, sum: v * n + rnd() / 7, count: n, min: v - rnd() * 5, max: v + rnd() * 5, unit: m % 97 === 5 ? "Count" : "Percent" });
    }
  }
  return out;
}

/** Ranges and periods at and off boundaries: buckets, hours, a day; periods of 5 minutes to a day. */
const reads: [number, number, number][] = [];
for (const period of [five, 2 * five, 15 * 60_000, hour, 3 * hour, 86_400_000]) {
  for (const [from, to] of [[t0, t0 + 36 * hour], [t0 + five, t0 + 25 * hour + 7 * five], [t0 + 11 * five, t0 + 13 * five], [t0 + 5 * hour, t0 + 7 * hour], [t0 + hour + 11 * five, t0 + 2 * hour + five], [t0 - hour, t0], [t0 + 3 * five, t0 + 3 * five]] as const) {
    reads.push([from, to, period]);
  }
}

describe("the 5-minute fold packed in six-hour blocks", () => {
  for (const seed of [1, 7, 42]) {
    it(`migrates the old rows and reads what the old SQL read: every statistic, unit and timestamp (seed ${seed})`, async () => {
      const db = schema17();
      const old = oldPath(db);
      db.prepare("INSERT INTO metric_series (id, namespace, name, dims, last_ms) VALUES (1, ?, ?, ?, 0)").run(metric.namespace, metric.metricName, JSON.stringify(metric.dimensions.map((d) => [d.name, d.value])));
      for (const a of data(seed)) old.add(a);
      const before = reads.map(([from, to, period]) => old.periods(from, to, period));
      const m18 = migrations.find((m) => m.version === 18)!;
      db.transaction(() => {
        db.exec(m18.sql);
        m18.data?.(db);
      })();
      assert.equal((db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'metric_five_minutes'").get() as { n: number }).n, 0);
      // The later migrations, for the tables the repository also prepares statements on (distributions).
      for (const m of migrations.filter((x) => x.version > 18)) db.exec(m.sql);
      const repo = new SqliteMetrics(db);
      for (const [i, [from, to, period]] of reads.entries()) {
        const after = await repo.periods(metric, from, to, period);
        assert.deepEqual(after, before[i], `from +${(from - t0) / 60_000} min, to +${(to - t0) / 60_000} min, period ${period / 60_000} min`);
        for (const s of statisticNames) assert.deepEqual(after.map((p) => statistic(p, s)), before[i]!.map((p) => statistic(p, s)));
      }
      db.close();
    });

    it(`adds as the old upsert did, and hands the same periods as columns (seed ${seed})`, async () => {
      const oldDb = schema17();
      const old = oldPath(oldDb);
      const db = new Sqlite(":memory:");
      for (const m of migrations) {
        db.exec(m.sql);
        m.data?.(db);
      }
      const repo = new SqliteMetrics(db);
      const points = data(seed);
      for (const a of points) old.add(a);
      for (let i = 0; i < points.length; i += 50) await repo.add(points.slice(i, i + 50));
      for (const [from, to, period] of reads) {
        const want = old.periods(from, to, period);
        assert.deepEqual(await repo.periods(metric, from, to, period), want);
        const c = await repo.periodColumns(metric, from, to, period);
        assert.deepEqual([...c.timesMs], want.map((p) => p.timestampMs));
        assert.deepEqual([...c.sum], want.map((p) => p.sum));
        assert.deepEqual([...c.count], want.map((p) => p.count));
        assert.deepEqual([...c.min], want.map((p) => p.min));
        assert.deepEqual([...c.max], want.map((p) => p.max));
        assert.deepEqual(Array.from({ length: c.length }, (_, i) => unitAt(c, i)), want.map((p) => p.unit));
        // One string exactly when every period has the same unit.
        assert.equal(typeof c.units === "string", new Set(want.map((p) => p.unit)).size === 1);
      }
      oldDb.close();
      db.close();
    });
  }

  it("prunes whole buckets: those ending at or before the cut go, the rest of their block stays", async () => {
    const db = new Sqlite(":memory:");
    for (const m of migrations) {
      db.exec(m.sql);
      m.data?.(db);
    }
    const repo = new SqliteMetrics(db);
    const b0 = t0 + 2 * hour; // a block's start
    await repo.add(Array.from({ length: 8 * 60 }, (_, m) => ({ metric, minuteMs: b0 + m * 60_000, sum: m, count: 1, min: m, max: m, unit: "Count" })));
    const buckets = async () => (await repo.periods(metric, b0, b0 + 8 * hour, five)).map((p) => (p.timestampMs - b0) / five);
    const rows = () => (db.prepare("SELECT count(*) AS n FROM metric_five_blocks").get() as { n: number }).n;
    assert.equal(rows(), 2);
    await repo.prune(b0 + 3 * five + 60_000); // the fourth bucket still has minutes after the cut
    assert.deepEqual(await buckets(), Array.from({ length: 93 }, (_, i) => i + 3));
    await repo.prune(b0 + block + five);
    assert.deepEqual(await buckets(), Array.from({ length: 23 }, (_, i) => i + 73));
    assert.equal(rows(), 1);
    await repo.prune(b0 + 8 * hour);
    assert.deepEqual(await buckets(), []);
    assert.equal(rows(), 0);
    db.close();
  });
});
