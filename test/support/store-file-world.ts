import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { PlacementIndex } from "../../src/planner/placement-index.js";
import { Planner } from "../../src/planner/planner.js";
import { SqliteStore } from "../../src/state/sqlite/sqlite-store.js";
import { aCluster, aContainerInstance, aTaskDefinition } from "../../src/state/store-builders.js";
import type { Store } from "../../src/state/store.js";

/**
 * For the runners' in-process tests: a SQLite store file holding cluster `c`, one instance `i0`
 * (4096 cpu, 8192 MiB) and `app:1`; `server(store?)` opens a runner on it, as a server would (its
 * own store on the same file unless one is given, its own placement index and planner). Everything
 * opened is stopped and closed, and the file removed, after the test.
 */
export async function aStoreFileWorld<R extends { stop(): Promise<void> }>(t: TestContext, prefix: string, runnerOn: (store: Store, planner: Planner) => R) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, "berth.db");
  const open: Array<{ store: Store; index: PlacementIndex; runner: R }> = [];
  const server = (store: Store = new SqliteStore({ path })) => {
    const index = new PlacementIndex(store, (err) => assert.fail(String(err)));
    const runner = runnerOn(store, new Planner(index, () => 0.5));
    open.push({ store, index, runner });
    return { store, runner };
  };
  const first = server();
  await first.store.write(async (tx) => {
    await tx.clusters.put(aCluster("c"));
    await tx.taskDefinitions.put(aTaskDefinition("app", 1, "ACTIVE"));
    await tx.containerInstances.put(aContainerInstance("c", "i0", { registered: { cpu: 4096, memory: 8192, reservedTcp: [], reservedUdp: [] } }));
  });
  t.after(async () => {
    for (const o of open) {
      await o.runner.stop();
      o.index.close();
      await o.store.close().catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
  });
  /** Cluster `c`'s tasks that event rule `rule` started. */
  const startedByRule = (store: Store, rule: string) => store.read(async (tx) => (await tx.tasks.list({ cluster: "c", startedBy: `events-rule/${rule}`, limit: 100 })).items);
  return { server, first, startedByRule };
}
