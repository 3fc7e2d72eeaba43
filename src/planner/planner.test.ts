import { describe, it, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { standaloneLaunch } from "../domain/launch.js";
import { SqliteStore } from "../state/sqlite/sqlite-store.js";
import { aCluster, aContainerInstance, aTaskDefinition } from "../state/store-builders.js";
import type { Store } from "../state/store.js";
import { PlacementConflictError } from "./placement-conflict.js";
import { PlacementIndex } from "./placement-index.js";
import { Planner } from "./planner.js";

const ctx = { partition: { region: "us-east-1", accountId: "000000000000" }, nowMs: 1_800_000_000_000 };

/** A store in a temp dir with cluster `c`, the task definition `app:1` (64 MiB) and the given instances. */
async function aWorld(t: TestContext, instanceMemory: readonly number[]) {
  const dir = mkdtempSync(join(tmpdir(), "berth-planner-"));
  const path = join(dir, "berth.db");
  const store = new SqliteStore({ path });
  await store.write(async (tx) => {
    await tx.clusters.put(aCluster("c"));
    await tx.taskDefinitions.put(aTaskDefinition("app", 1, "ACTIVE"));
    for (const [i, memory] of instanceMemory.entries()) await tx.containerInstances.put(aContainerInstance("c", `i${i}`, { registered: { cpu: 1024, memory, reservedTcp: [], reservedUdp: [] } }));
  });
  const index = new PlacementIndex(store, (err) => assert.fail(String(err)));
  const planner = new Planner(index, () => 0.5);
  t.after(async () => {
    index.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, planner, path };
}

const memoryLeft = async (store: Store, planner: Planner) => (await store.write((tx) => planner.view(tx, "c"))).remainingMemory[0];
const runOne = (store: Store, planner: Planner) => store.write(async (tx) => planner.launch(tx, await standaloneLaunch(tx, { cluster: "c", taskDefinition: "app" }), 1, ctx));

describe("Planner", () => {
  it("never changes its index inside the write: the placement counts once the change log delivers the commit", async (t) => {
    const { store, planner } = await aWorld(t, [2048]);
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
    const { store, planner } = await aWorld(t, [100]);
    await memoryLeft(store, planner);
    // Five writes queued together share one commit: each must see the earlier ones' task.
    const results = await Promise.all(Array.from({ length: 5 }, () => runOne(store, planner)));
    assert.deepEqual(results.map((r) => r.tasks.length), [1, 0, 0, 0, 0]);
    assert.match(results[1]!.failures[0]?.reason ?? "", /RESOURCE:MEMORY/);
    assert.equal((await store.read((tx) => tx.tasks.holdingResources(aContainerInstance("c", "i0").arn))).length, 1);
  });

  it("re-checks resources in the write: a view behind the store (another writer) is refused, then planned again", async (t) => {
    const { store, planner, path } = await aWorld(t, [100, 100]);
    await memoryLeft(store, planner);
    // Another writer on the same database (a replica, say) fills instance i0 and i1; this process's log never hears of it.
    const other = new SqliteStore({ path });
    const otherPlanner = new Planner(new PlacementIndex(other, (err) => assert.fail(String(err))), () => 0.5);
    t.after(() => other.close());
    for (let i = 0; i < 2; i++) assert.equal((await runOne(other, otherPlanner)).tasks.length, 1);

    await assert.rejects(runOne(store, planner), (e: unknown) => e instanceof PlacementConflictError && e.cluster === "c");
    const holding = async () => (await store.read((tx) => Promise.all([0, 1].map((i) => tx.tasks.holdingResources(aContainerInstance("c", `i${i}`).arn))))).flat();
    assert.equal((await holding()).length, 2, "a refused re-check writes nothing");

    const retried = await planner.retrying(() => runOne(store, planner));
    assert.equal(retried.tasks.length, 0);
    assert.match(retried.failures[0]?.reason ?? "", /RESOURCE:MEMORY/);
  });
});
