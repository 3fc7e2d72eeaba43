import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { startPostgres, type PostgresServer } from "../../../test/support/postgres-server.js";
import { metricId, type MinuteAggregate } from "../../domain/metrics/series.js";
import { alarmsContract } from "../store-contract-alarms.js";
import { autoScalingContract } from "../store-contract-autoscaling.js";
import { logsContract } from "../store-contract-logs.js";
import { metricsContract } from "../store-contract-metrics.js";
import { SqliteStore } from "../sqlite/sqlite-store.js";
import { PostgresStore } from "./postgres-store.js";

/** The telemetry repositories (logs, metrics, alarms, auto scaling) on PostgreSQL: their contracts, and metric reads to the double against SQLite. */
let server: PostgresServer;
let databases = 0;
before(async () => (server = await startPostgres()));
after(() => server.stop());

async function freshDatabase(): Promise<string> {
  const name = `tel${databases++}`;
  await server.createDatabase(name);
  return server.url(name);
}
const open = async () => PostgresStore.open({ url: await freshDatabase() });

logsContract("PostgreSQL", open);
metricsContract("PostgreSQL", open);
alarmsContract("PostgreSQL", open);
autoScalingContract("PostgreSQL", open);

const metric = metricId("AWS/ECS", "CPUUtilization", [{ name: "ClusterName", value: "c" }, { name: "ServiceName", value: "web" }]);
const other = metricId("AWS/ECS", "MemoryUtilization", [{ name: "ClusterName", value: "c" }]);
const hour = 3_600_000;
const five = 300_000;
/** Two hours before a six-hour block starts: the data straddle blocks. */
const t0 = 1_795_996_800_000 - 2 * hour;

/** Pseudo-random but repeatable minutes over a day and a half: gaps, a minute reported twice in a row, odd doubles, two units, two metrics. */
function data(seed: number): MinuteAggregate[] {
  let x = seed;
  const rnd = () => (x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const out: MinuteAggregate[] = [];
  for (let m = 0; m < 36 * 60; m++) {
    if (rnd() < 0.15 || (m >= 300 && m < 420)) continue;
    for (let r = rnd() < 0.2 ? 2 : 1; r > 0; r--) {
      const v = rnd() * 100 + 1 / 3;
      const n = 1 + Math.floor(rnd() * 4);
      out.push({ metric: rnd() < 0.1 ? other : metric, minuteMs: t0 + m * 60_000, sum: v * n + rnd() / 7, count: n, min: v - rnd() * 5, max: v + rnd() * 5, unit: m % 97 === 5 ? "Count" : "Percent" });
    }
  }
  return out;
}

/** Ranges and periods on and off the 5-minute buckets: the block path and the minute path. */
const reads: [number, number, number][] = [];
for (const period of [60_000, 2 * 60_000, 7 * 60_000, five, 2 * five, hour, 86_400_000]) {
  for (const [from, to] of [[t0, t0 + 36 * hour], [t0 + five, t0 + 25 * hour + 7 * five], [t0 + 60_000, t0 + 25 * hour + 3 * 60_000], [t0 + 5 * hour, t0 + 7 * hour], [t0 - hour, t0]] as const) {
    reads.push([from, to, period]);
  }
}

describe("PostgreSQL metrics read SQLite's doubles", () => {
  for (const seed of [1, 42]) {
    it(`adds, folds and prunes to the very doubles and units SQLite gives (seed ${seed})`, async () => {
      const sqlite = new SqliteStore({ path: ":memory:" });
      const url = await freshDatabase();
      const postgres = await PostgresStore.open({ url });
      try {
        const points = data(seed);
        for (let i = 0; i < points.length; i += 50) {
          for (const store of [sqlite, postgres]) await store.write((tx) => tx.metrics.add(points.slice(i, i + 50)));
        }
        const check = async (what: string) => {
          for (const m of [metric, other]) {
            assert.deepEqual(await postgres.read((tx) => tx.metrics.minutes(m, t0 - hour, t0 + 40 * hour)), await sqlite.read((tx) => tx.metrics.minutes(m, t0 - hour, t0 + 40 * hour)));
            for (const [from, to, period] of reads) {
              const at = `${what}: from +${(from - t0) / 60_000} min, to +${(to - t0) / 60_000} min, period ${period / 60_000} min`;
              assert.deepEqual(await postgres.read((tx) => tx.metrics.periods(m, from, to, period)), await sqlite.read((tx) => tx.metrics.periods(m, from, to, period)), at);
              assert.deepEqual(await postgres.read((tx) => tx.metrics.periodColumns(m, from, to, period)), await sqlite.read((tx) => tx.metrics.periodColumns(m, from, to, period)), at);
            }
          }
          assert.deepEqual(await postgres.read((tx) => tx.metrics.list({ limit: 10 })), await sqlite.read((tx) => tx.metrics.list({ limit: 10 })));
        };
        await check("added");
        for (const cut of [t0 + 2 * hour + 3 * five + 60_000, t0 + 9 * hour]) {
          assert.equal(await postgres.write((tx) => tx.metrics.prune(cut)), await sqlite.write((tx) => tx.metrics.prune(cut)));
          await check(`pruned at +${(cut - t0) / 60_000} min`);
        }
        // Blocks left without data are deleted, not kept empty.
        await postgres.write((tx) => tx.metrics.prune(t0 + 40 * hour));
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          const counts = await client.query<{ n: string }>("SELECT (SELECT count(*) FROM metric_five_blocks) + (SELECT count(*) FROM metric_minutes) + (SELECT count(*) FROM metric_series) AS n");
          assert.equal(counts.rows[0]?.n, "0");
        } finally {
          await client.end();
        }
      } finally {
        await Promise.all([sqlite.close(), postgres.close()]);
      }
    });
  }
});
