import { after, before, describe, it, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TaskRecord } from "../../domain/task.js";
import { startPostgres, type PostgresServer } from "../../../test/support/postgres-server.js";
import { PostgresStore } from "../../state/postgres/postgres-store.js";
import { SqliteStore } from "../../state/sqlite/sqlite-store.js";
import type { Store } from "../../state/store.js";
import { aService, aTask } from "../../state/store-builders.js";
import type { ServiceRecord } from "../../domain/service.js";
import { ClusterCounts } from "./cluster-counts.js";
import { scanCounts } from "./cluster-view.js";

const forward: readonly TaskRecord["lastStatus"][] = ["PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"];

/** A small deterministic generator, so that a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The cases over one kind of store, opened by `open` (a new empty one per case). */
function clusterCountsCases(open: (t: TestContext) => Promise<Store>): void {
  it("answers as the store's scan does, whenever it is first asked and however writes interleave with the asking", async (t) => {
    const store = await open(t);
    t.after(() => store.close());
    for (const seed of [1, 2, 3]) {
      const random = rng(seed);
      const counts = new ClusterCounts(store, (err) => assert.fail(String(err)));
      const clusters = [`a${seed}`, `b${seed}`];
      const tasks = new Map<string, TaskRecord>();
      const services = new Map<string, ServiceRecord>();
      const serviceStatuses: readonly ServiceRecord["status"][] = ["ACTIVE", "DRAINING", "INACTIVE"];
      const pending: Promise<unknown>[] = [];
      for (let step = 0; step < 400; step++) {
        const cluster = clusters[Math.floor(random() * 2)]!;
        const roll = random();
        if (roll < 0.08) {
          // A service is created, or moves on (ACTIVE → DRAINING → INACTIVE).
          const name = `s${Math.floor(random() * 12)}`;
          const key = `${cluster}/${name}`;
          const had = services.get(key);
          const status = had ? serviceStatuses[Math.min(2, serviceStatuses.indexOf(had.status) + 1)]! : "ACTIVE";
          const next = had ? { ...had, status, version: had.version + 1 } : aService(cluster, name, { status: "ACTIVE" });
          if (had?.status === "INACTIVE") continue;
          services.set(key, { ...next, status });
          pending.push(store.write((tx) => tx.services.put({ ...next, status })));
        } else if (roll < 0.3 || tasks.size === 0) {
          // Some on FARGATE: counted apart (domain/task-counts.ts), for DescribeClusters' statistics.
          const task: TaskRecord = { ...aTask(`t${seed}-${step}`, { cluster, lastStatus: forward[Math.floor(random() * 4)]! }), launchType: random() < 0.3 ? "FARGATE" : "EC2" };
          tasks.set(task.arn, task);
          pending.push(store.write((tx) => tx.tasks.put(task)));
        } else if (roll < 0.85) {
          // A task moves forward (or is saved again unchanged), in writes not awaited: several in flight at once.
          const list = [...tasks.values()];
          const task = list[Math.floor(random() * list.length)]!;
          const at = forward.indexOf(task.lastStatus);
          const next = { ...task, lastStatus: forward[Math.min(forward.length - 1, at + Math.floor(random() * 3))]!, version: task.version + 1 };
          tasks.set(task.arn, next);
          pending.push(store.write((tx) => tx.tasks.put(next)));
        } else {
          // Asked (and, the first time, loaded) while writes are in flight, before or after their commit,
          // perhaps before their changes are delivered: compared once they have landed.
          await new Promise((r) => setTimeout(r, Math.floor(random() * 3) * 2));
          const asked = store.read(async (tx) => [await counts.tasksByStatus(tx, cluster), await counts.servicesByStatus(tx, cluster)]);
          await Promise.all(pending.splice(0));
          await asked;
          await same(counts, cluster, `seed ${seed}, step ${step}, cluster ${cluster}`);
        }
      }
      await Promise.all(pending);
      for (const cluster of clusters) {
        const scanned = await same(counts, cluster, `seed ${seed}, at the end, cluster ${cluster}`);
        assert.ok([...scanned.values()].reduce((a, b) => a + b, 0) > 0, "the run left open tasks to count");
      }
      counts.close();
    }

    /** Asserts that the index answers as the store's scans; returns the scanned task counts. */
    async function same(counts: ClusterCounts, cluster: string, where: string): Promise<ReadonlyMap<string, number>> {
      return store.read(async (tx) => {
        const tasks = await counts.tasksByStatus(tx, cluster);
        const scannedTasks = await scanCounts.tasksByStatus(tx, cluster);
        assert.deepEqual(new Map([...tasks].sort()), new Map([...scannedTasks].sort()), `tasks, ${where}`);
        const services = await counts.servicesByStatus(tx, cluster);
        const scannedServices = await scanCounts.servicesByStatus(tx, cluster);
        for (const status of ["ACTIVE", "DRAINING"]) assert.equal(services.get(status) ?? 0, scannedServices.get(status) ?? 0, `${status} services, ${where}`);
        assert.deepEqual([...services.keys()].filter((k) => k !== "ACTIVE" && k !== "DRAINING"), [], "no other status counted");
        return scannedTasks;
      });
    }
  });
}

describe("ClusterCounts (SQLite)", () =>
  clusterCountsCases((t) => {
    const dir = mkdtempSync(join(tmpdir(), "berth-counts-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    // A slow fsync: a commit's rows are visible to reads for 3 ms before its changes are delivered.
    return Promise.resolve(new SqliteStore({ path: join(dir, "berth.db"), syncData: () => new Promise((r) => setTimeout(r, 3)) }));
  }));

describe("ClusterCounts (PostgreSQL)", () => {
  let server: PostgresServer;
  let databases = 0;
  before(async () => (server = await startPostgres()));
  after(() => server.stop());
  clusterCountsCases(async () => {
    const database = `counts${databases++}`;
    await server.createDatabase(database);
    return PostgresStore.open({ url: server.url(database) });
  });
});
