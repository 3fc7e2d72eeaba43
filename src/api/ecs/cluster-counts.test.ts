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
import { aCluster, aService, aTask } from "../../state/store-builders.js";
import type { ServiceRecord } from "../../domain/service.js";
import { ClusterCounts } from "./cluster-counts.js";
import { scanCounts, toCluster, type CountsByStatus } from "./cluster-view.js";

const forward: readonly TaskRecord["lastStatus"][] = ["PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"];

/** The ways a service keeps its capacity (as CreateService stores them): FARGATE's two and EC2's two. */
const capacities: readonly Pick<ServiceRecord, "launchType" | "capacityProviderStrategy">[] = [
  { launchType: "EC2" },
  { launchType: "FARGATE" },
  { launchType: "EC2", capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }] },
  { launchType: "EC2", capacityProviderStrategy: [{ capacityProvider: "on-demand", weight: 1, base: 0 }] },
];

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
          // A service is created (on EC2 or Fargate capacity), or moves on (ACTIVE → DRAINING → INACTIVE),
          // or, ACTIVE, is given a new capacity (UpdateService's strategy) that may change its launch type.
          const name = `s${Math.floor(random() * 12)}`;
          const key = `${cluster}/${name}`;
          const had = services.get(key);
          const capacity = capacities[Math.floor(random() * capacities.length)]!;
          const recapacity = had?.status === "ACTIVE" && random() < 0.3;
          const status = had && !recapacity ? serviceStatuses[Math.min(2, serviceStatuses.indexOf(had.status) + 1)]! : "ACTIVE";
          const next = had ? { ...had, ...(recapacity ? capacity : {}), status, version: had.version + 1 } : aService(cluster, name, { status: "ACTIVE", ...capacity });
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
        assert.deepEqual(new Map([...services].sort()), new Map([...scannedServices].sort()), `services, ${where}`);
        return scannedTasks;
      });
    }
  });

  it("gives DescribeClusters' statistics each launch type's services, as a service drains, from memory and from the scans alike", async (t) => {
    const store = await open(t);
    t.after(() => store.close());
    const counts = new ClusterCounts(store, (err) => assert.fail(String(err)));
    t.after(() => counts.close());
    const cluster = aCluster("stats");
    const web = aService("stats", "web");
    // As CreateService keeps a service launched by a strategy: launchType EC2 beside it, unused.
    const spot = aService("stats", "spot", { capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1, base: 0 }, { capacityProvider: "FARGATE_SPOT", weight: 3, base: 0 }] });
    const api = aService("stats", "api", { launchType: "FARGATE" });
    await store.write(async (tx) => {
      await tx.clusters.put(cluster);
      for (const s of [web, spot, api]) await tx.services.put(s);
    });
    const described = (from: CountsByStatus) =>
      store.read((tx) => toCluster(tx, cluster, new Set(["STATISTICS"]), from)).then((c) => ({ activeServicesCount: c.activeServicesCount, statistics: c.statistics }));
    /** ECS's eight statistics, in its order; no task here, so only the services' four vary. */
    const expect = (active: number, [activeEC2, activeFargate, drainingEC2, drainingFargate]: readonly number[]) => ({
      activeServicesCount: active,
      statistics: [
        { name: "runningEC2TasksCount", value: "0" },
        { name: "runningFargateTasksCount", value: "0" },
        { name: "pendingEC2TasksCount", value: "0" },
        { name: "pendingFargateTasksCount", value: "0" },
        { name: "activeEC2ServiceCount", value: String(activeEC2) },
        { name: "activeFargateServiceCount", value: String(activeFargate) },
        { name: "drainingEC2ServiceCount", value: String(drainingEC2) },
        { name: "drainingFargateServiceCount", value: String(drainingFargate) },
      ],
    });
    // Loaded from the store's snapshot.
    for (const from of [counts, scanCounts]) assert.deepEqual(await described(from), expect(3, [1, 2, 0, 0]));
    // Then followed from the change log: the FARGATE strategy's service drains (DeleteService), then is gone; the EC2 one drains.
    await store.write((tx) => tx.services.put({ ...spot, status: "DRAINING", version: 2 }));
    for (const from of [counts, scanCounts]) assert.deepEqual(await described(from), expect(2, [1, 1, 0, 1]));
    await store.write((tx) => tx.services.put({ ...web, status: "DRAINING", version: 2 }));
    for (const from of [counts, scanCounts]) assert.deepEqual(await described(from), expect(1, [0, 1, 1, 1]));
    await store.write((tx) => tx.services.put({ ...spot, status: "INACTIVE", version: 3 }));
    for (const from of [counts, scanCounts]) assert.deepEqual(await described(from), expect(1, [0, 1, 1, 0]));
    // A new index, loaded now, starts where the first one got to.
    const fresh = new ClusterCounts(store, (err) => assert.fail(String(err)));
    t.after(() => fresh.close());
    assert.deepEqual(await described(fresh), expect(1, [0, 1, 1, 0]));
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
