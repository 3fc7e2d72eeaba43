import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TaskRecord } from "../../domain/task.js";
import { SqliteStore } from "../../state/sqlite/sqlite-store.js";
import { aTask } from "../../state/store-builders.js";
import { TaskStatusCounts } from "./task-status-counts.js";

const forward: readonly TaskRecord["lastStatus"][] = ["PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"];

/** A small deterministic generator, so that a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("TaskStatusCounts", () => {
  it("answers as the store's scan does, whenever it is first asked and however writes interleave with the asking", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "berth-counts-"));
    // A slow fsync: a commit's rows are visible to reads for 3 ms before its changes are delivered.
    const store = new SqliteStore({ path: join(dir, "berth.db"), syncData: () => new Promise((r) => setTimeout(r, 3)) });
    t.after(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    for (const seed of [1, 2, 3]) {
      const random = rng(seed);
      const counts = new TaskStatusCounts(store, (err) => assert.fail(String(err)));
      const clusters = [`a${seed}`, `b${seed}`];
      const tasks = new Map<string, TaskRecord>();
      const pending: Promise<unknown>[] = [];
      for (let step = 0; step < 400; step++) {
        const cluster = clusters[Math.floor(random() * 2)]!;
        const roll = random();
        if (roll < 0.3 || tasks.size === 0) {
          const task = aTask(`t${seed}-${step}`, { cluster, lastStatus: forward[Math.floor(random() * 4)]! });
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
          const asked = store.read((tx) => counts.countByStatus(tx, cluster));
          await Promise.all(pending.splice(0));
          await asked;
          const [mine, scanned] = await store.read(async (tx) => [await counts.countByStatus(tx, cluster), await tx.tasks.countByStatus(cluster)] as const);
          assert.deepEqual(new Map([...mine].sort()), new Map([...scanned].sort()), `seed ${seed}, step ${step}, cluster ${cluster}`);
        }
      }
      await Promise.all(pending);
      for (const cluster of clusters) {
        const [mine, scanned] = await store.read(async (tx) => [await counts.countByStatus(tx, cluster), await tx.tasks.countByStatus(cluster)] as const);
        assert.deepEqual(new Map([...mine].sort()), new Map([...scanned].sort()));
        assert.ok([...scanned.values()].reduce((a, b) => a + b, 0) > 0, "the run left open tasks to count");
      }
      counts.close();
    }
  });
});
