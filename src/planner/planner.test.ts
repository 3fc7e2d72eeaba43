import { after, before, describe, it, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPostgres, type PostgresServer } from "../../test/support/postgres-server.js";
import { standaloneLaunch } from "../domain/launch.js";
import { PostgresStore } from "../state/postgres/postgres-store.js";
import { SqliteStore } from "../state/sqlite/sqlite-store.js";
import { aCluster, aContainerInstance, aTaskDefinition } from "../state/store-builders.js";
import type { ChangeFeed } from "../state/changes.js";
import type { Store } from "../state/store.js";
import { PlacementIndex } from "./placement-index.js";
import { Planner } from "./planner.js";

const ctx = { partition: { region: "us-east-1", accountId: "000000000000" }, nowMs: 1_800_000_000_000 };

/** A new empty database; each call of the function it resolves with opens one more store over it (another replica, say). */
type FreshDatabase = (t: TestContext) => Promise<() => Promise<Store>>;

/**
 * The store as this process's index hears it: once `hold()` is called, its changes wait until the
 * function `hold` returned hands them on, in order. That is another replica's commit whose
 * announcement has not arrived yet (a PostgreSQL store follows the others' commits; a SQLite file's
 * other writer is never heard of at all).
 */
function heldBack(store: Store): { readonly store: Store; hold(): () => void } {
  let held: (() => void)[] | undefined;
  const changes: ChangeFeed = {
    head: () => store.changes.head(),
    since: (revision, limit) => store.changes.since(revision, limit),
    subscribe: (fn, options) => store.changes.subscribe((c) => (held ? held.push(() => fn(c)) : fn(c)), options),
  };
  return {
    store: { read: (fn) => store.read(fn), write: (fn) => store.write(fn), changes, close: () => store.close() },
    hold() {
      held = [];
      return () => {
        const waiting = held ?? [];
        held = undefined;
        waiting.forEach((deliver) => deliver());
      };
    },
  };
}

/** The world's store with cluster `c`, the task definition `app:1` (64 MiB) and the given instances. */
async function aWorld(t: TestContext, fresh: FreshDatabase, instanceMemory: readonly number[]) {
  const open = await fresh(t);
  const store = await open();
  await store.write(async (tx) => {
    await tx.clusters.put(aCluster("c"));
    await tx.taskDefinitions.put(aTaskDefinition("app", 1, "ACTIVE"));
    for (const [i, memory] of instanceMemory.entries()) await tx.containerInstances.put(aContainerInstance("c", `i${i}`, { registered: { cpu: 1024, memory, reservedTcp: [], reservedUdp: [] } }));
  });
  const heard = heldBack(store);
  const index = new PlacementIndex(heard.store, (err) => assert.fail(String(err)));
  const planner = new Planner(index, () => 0.5);
  t.after(async () => {
    index.close();
    await store.close();
  });
  return { store, planner, open, hold: () => heard.hold() };
}

const memoryLeft = async (store: Store, planner: Planner) => (await store.write((tx) => planner.view(tx, "c"))).remainingMemory[0];
const runOne = (store: Store, planner: Planner) => store.write(async (tx) => planner.launch(tx, await standaloneLaunch(tx, { cluster: "c", taskDefinition: "app" }), 1, ctx));

/** The planner's cases over one kind of store: a SQLite file, or a PostgreSQL database several replicas share. */
function plannerCases(fresh: FreshDatabase): void {
  it("never changes its index inside the write: the placement counts once the change log delivers the commit", async (t) => {
    const { store, planner } = await aWorld(t, fresh, [2048]);
    const before = await memoryLeft(store, planner);
    let inside: number | undefined;
    const launched = await store.write(async (tx) => {
      const r = await planner.launch(tx, await standaloneLaunch(tx, { cluster: "c", taskDefinition: "app" }), 2, ctx);
      inside = (await planner.view(tx, "c")).remainingMemory[0];
      return r;
    });
    assert.equal(launched.tasks.length, 2);
    assert.equal(inside, before, "the index was changed inside the write");
    assert.equal(await memoryLeft(store, planner), 2048 - 128);
  });

  it("counts the tasks of writes committed in the same group, which the index has not seen yet", async (t) => {
    const { store, planner } = await aWorld(t, fresh, [100]);
    await memoryLeft(store, planner);
    // Five writes queued together share one commit: each must see the earlier ones' task.
    const results = await Promise.all(Array.from({ length: 5 }, () => runOne(store, planner)));
    assert.deepEqual(results.map((r) => r.tasks.length), [1, 0, 0, 0, 0]);
    assert.match(results[1]!.failures[0]?.reason ?? "", /RESOURCE:MEMORY/);
    assert.equal((await store.read((tx) => tx.tasks.holdingResources(aContainerInstance("c", "i0").arn))).length, 1);
  });

  it("re-checks resources in the write: a view behind the store (another writer) is loaded again in that write, and placed again", async (t) => {
    const { store, planner, open, hold } = await aWorld(t, fresh, [100, 100]);
    await memoryLeft(store, planner);
    // Another writer on the same database (a replica, say) fills instance i0 and i1; this process's index has not heard of it yet.
    const release = hold();
    const other = await open();
    const otherPlanner = new Planner(new PlacementIndex(other, (err) => assert.fail(String(err))), () => 0.5);
    t.after(() => other.close());
    for (let i = 0; i < 2; i++) assert.equal((await runOne(other, otherPlanner)).tasks.length, 1);

    // The stale view would place the task; the re-check refuses that, and the view loaded again says why not.
    const run = await runOne(store, planner);
    assert.equal(run.tasks.length, 0);
    assert.match(run.failures[0]?.reason ?? "", /RESOURCE:MEMORY/);
    const holding = async () => (await store.read((tx) => Promise.all([0, 1].map((i) => tx.tasks.holdingResources(aContainerInstance("c", `i${i}`).arn))))).flat();
    assert.equal((await holding()).length, 2, "the stale placement wrote nothing");
    // Heard late, the other writer's placements change nothing: the reloaded view already counts them.
    release();
    assert.equal(await memoryLeft(store, planner), 100 - 64);
  });
}

describe("Planner (SQLite)", () =>
  plannerCases((t) => {
    const dir = mkdtempSync(join(tmpdir(), "berth-planner-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "berth.db");
    return Promise.resolve(() => Promise.resolve(new SqliteStore({ path })));
  }));

describe("Planner (PostgreSQL)", () => {
  let server: PostgresServer;
  let databases = 0;
  before(async () => (server = await startPostgres()));
  after(() => server.stop());
  plannerCases(async () => {
    const database = `planner${databases++}`;
    await server.createDatabase(database);
    return () => PostgresStore.open({ url: server.url(database) });
  });
});
