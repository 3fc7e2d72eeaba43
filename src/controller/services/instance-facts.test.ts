import { after, before, describe, it, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPostgres, type PostgresServer } from "../../../test/support/postgres-server.js";
import { PostgresStore } from "../../state/postgres/postgres-store.js";
import { SqliteStore } from "../../state/sqlite/sqlite-store.js";
import { aCluster, aContainerInstance, aService, aTaskDefinition } from "../../state/store-builders.js";
import type { ReadTx, Store } from "../../state/store.js";
import { DaemonFilters } from "./daemon-filter.js";
import { InstanceFactsCache, rowOf } from "./instance-facts.js";

/** Opens a new empty store for a case (and removes what it leaves behind when the case ends). */
type OpenStore = (t: TestContext) => Promise<Store>;

async function aWorld(t: TestContext, open: OpenStore) {
  const store = await open(t);
  await store.write(async (tx) => {
    await tx.clusters.put(aCluster("c"));
    await tx.clusters.put(aCluster("d"));
    await tx.containerInstances.put(aContainerInstance("c", "i0"));
    await tx.containerInstances.put(aContainerInstance("c", "i1"));
    await tx.containerInstances.put(aContainerInstance("d", "j0"));
  });
  const facts = new InstanceFactsCache(store, (err) => assert.fail(String(err)));
  t.after(async () => {
    facts.close();
    await store.close();
  });
  return { store, facts };
}

/** A read transaction that counts the instance pages it reads and can act before answering one. */
function counting(tx: ReadTx, beforePage: () => Promise<void> = async () => {}) {
  const counter = { pages: 0 };
  const list: ReadTx["containerInstances"]["list"] = async (cluster, q) => {
    const page = await tx.containerInstances.list(cluster, q);
    counter.pages++;
    await beforePage();
    return page;
  };
  const wrapped: ReadTx = { ...tx, containerInstances: { ...tx.containerInstances, list } };
  return { tx: wrapped, counter };
}

/** The cache's cases over one kind of store. */
function instanceFactsCases(open: OpenStore): void {
  it("reads a cluster's instances once, then follows the change log: updates, new instances, that cluster only", async (t) => {
    const { store, facts } = await aWorld(t, open);
    const rows = await store.read(async (raw) => {
      const { tx, counter } = counting(raw);
      await facts.of(tx, "c");
      await store.write(async (w) => {
        const i0 = aContainerInstance("c", "i0");
        await w.containerInstances.put({ ...i0, agentConnected: false, agentDisconnectedAtMs: 5, version: 2 });
        await w.containerInstances.put(aContainerInstance("c", "i2", { status: "DRAINING" }));
        await w.containerInstances.put(aContainerInstance("d", "j1"));
      });
      const again = await facts.of(tx, "c");
      assert.equal(counter.pages, 1, "the second use reads no page");
      return again;
    });
    assert.deepEqual([...rows.keys()].map((a) => a.split("/").pop()).sort(), ["i0", "i1", "i2"]);
    const i0 = [...rows.values()].find((r) => r.arn.endsWith("/i0"));
    assert.equal(i0?.agentConnected, false);
    assert.equal(i0?.agentDisconnectedAtMs, 5);
    assert.equal([...rows.values()].find((r) => r.arn.endsWith("/i2"))?.status, "DRAINING");
  });

  it("keeps a change committed while the cluster's pages were being read (the page read before it is stale)", async (t) => {
    const { store, facts } = await aWorld(t, open);
    const rows = await store.read(async (raw) => {
      const { tx } = counting(raw, () =>
        store.write(async (w) => {
          await w.containerInstances.put({ ...aContainerInstance("c", "i1"), status: "DRAINING", version: 2 });
        }),
      );
      return facts.of(tx, "c");
    });
    assert.equal([...rows.values()].find((r) => r.arn.endsWith("/i1"))?.status, "DRAINING");
  });

  it("loads a cluster once for concurrent first uses", async (t) => {
    const { store, facts } = await aWorld(t, open);
    const pages = await store.read(async (raw) => {
      const { tx, counter } = counting(raw);
      await Promise.all([facts.of(tx, "d"), facts.of(tx, "d"), facts.of(tx, "d")]);
      return counter.pages;
    });
    assert.equal(pages, 1);
  });
}

describe("InstanceFactsCache (SQLite)", () =>
  instanceFactsCases((t) => {
    const dir = mkdtempSync(join(tmpdir(), "berth-facts-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    return Promise.resolve(new SqliteStore({ path: join(dir, "berth.db") }));
  }));

describe("InstanceFactsCache (PostgreSQL)", () => {
  let server: PostgresServer;
  let databases = 0;
  before(async () => (server = await startPostgres()));
  after(() => server.stop());
  instanceFactsCases(async () => {
    const database = `facts${databases++}`;
    await server.createDatabase(database);
    return PostgresStore.open({ url: server.url(database) });
  });
});

describe("DaemonFilters", () => {
  const td = aTaskDefinition("app", 1, "ACTIVE");
  const zoneA = rowOf(aContainerInstance("c", "a", { attributes: [{ name: "ecs.availability-zone", value: "us-east-1a" }] }));
  const zoneB = rowOf(aContainerInstance("c", "b", { attributes: [{ name: "ecs.availability-zone", value: "us-east-1b" }] }));

  it("compiles a service's memberOf constraints once, and again when they change", () => {
    const filters = new DaemonFilters();
    const onlyA = aService("c", "s", { schedulingStrategy: "DAEMON", placementConstraints: [{ type: "memberOf", expression: "attribute:ecs.availability-zone == us-east-1a" }] });
    const first = filters.of(onlyA, td);
    assert.equal(filters.of({ ...onlyA, version: onlyA.version + 1 }, td), first, "same constraints and definition: the same filter");
    assert.deepEqual([first(zoneA), first(zoneB)], [true, false]);
    const onlyB = { ...onlyA, placementConstraints: [{ type: "memberOf" as const, expression: "attribute:ecs.availability-zone == us-east-1b" }] };
    const second = filters.of(onlyB, td);
    assert.notEqual(second, first);
    assert.deepEqual([second(zoneA), second(zoneB)], [false, true]);
  });

  it("admits only instances with the definition's required attributes", () => {
    const needs = { ...td, body: { ...td.body, requiresAttributes: [{ name: "ecs.availability-zone", value: "us-east-1b" }] } };
    const f = new DaemonFilters().of(aService("c", "s", { schedulingStrategy: "DAEMON" }), needs);
    assert.deepEqual([f(zoneA), f(zoneB)], [false, true]);
  });
});
