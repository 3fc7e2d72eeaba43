import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ClusterRecord, Store, TaskDefinitionRecord } from "./store.js";

/**
 * The contract every Store implementation passes. `open(database)` returns a store over the named
 * database, empty the first time a name is used and with its committed state on every later open.
 */
export function storeContract(name: string, open: (database: string) => Promise<Store>): void {
  let count = 0;
  const withStore = async (fn: (s: Store) => Promise<void>, database = `db${count++}`): Promise<void> => {
    const store = await open(database);
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  };

  describe(`Store contract: ${name}`, () => {
    it("stores clusters and lists them by name, page by page", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          for (const n of ["c", "a", "b"]) await tx.clusters.put(aCluster(n));
        });
        const first = await store.read((tx) => tx.clusters.list({ limit: 2 }));
        assert.deepEqual(first.items.map((c) => c.name), ["a", "b"]);
        assert.equal(first.nextAfter, "b");
        const second = await store.read((tx) => tx.clusters.list({ limit: 2, after: first.nextAfter }));
        assert.deepEqual(second.items.map((c) => c.name), ["c"]);
        assert.equal(second.nextAfter, undefined);
        assert.deepEqual(await store.read((tx) => tx.clusters.get("b")), aCluster("b"));
        await store.write((tx) => tx.clusters.put({ ...aCluster("b"), status: "INACTIVE" }));
        const active = await store.read((tx) => tx.clusters.list({ limit: 10, status: "ACTIVE" }));
        assert.deepEqual(active.items.map((c) => c.name), ["a", "c"]);
      }));

    it("rolls back a write that throws and keeps the others of its batch", () =>
      withStore(async (store) => {
        const failing = store.write(async (tx) => {
          await tx.clusters.put(aCluster("doomed"));
          throw new Error("boom");
        });
        const kept = store.write((tx) => tx.clusters.put(aCluster("kept")));
        await assert.rejects(failing, /boom/);
        await kept;
        assert.equal(await store.read((tx) => tx.clusters.get("doomed")), undefined);
        assert.ok(await store.read((tx) => tx.clusters.get("kept")));
      }));

    it("never hands out a revision twice, even to concurrent writers", () =>
      withStore(async (store) => {
        const revisions = await Promise.all(
          Array.from({ length: 50 }, () => store.write((tx) => tx.taskDefinitions.allocateRevision("web"))),
        );
        assert.deepEqual([...revisions].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1));
      }));

    it("finds the latest ACTIVE revision and lists revisions in either order", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          for (const [family, revision, status] of [
            ["api", 1, "ACTIVE"],
            ["api", 2, "ACTIVE"],
            ["api", 3, "INACTIVE"],
            ["batch", 1, "INACTIVE"],
          ] as const) {
            await tx.taskDefinitions.put(aTaskDefinition(family, revision, status));
          }
        });
        const latest = await store.read((tx) => tx.taskDefinitions.latestActive("api"));
        assert.equal(latest?.revision, 2);
        const asc = await store.read((tx) => tx.taskDefinitions.list({ limit: 10, descending: false }));
        assert.deepEqual(asc.items.map(key), ["api:1", "api:2", "api:3", "batch:1"]);
        const desc1 = await store.read((tx) => tx.taskDefinitions.list({ limit: 3, descending: true }));
        assert.deepEqual(desc1.items.map(key), ["batch:1", "api:3", "api:2"]);
        const desc2 = await store.read((tx) =>
          tx.taskDefinitions.list({ limit: 3, descending: true, after: desc1.nextAfter }),
        );
        assert.deepEqual(desc2.items.map(key), ["api:1"]);
        const active = await store.read((tx) =>
          tx.taskDefinitions.list({ limit: 10, descending: false, status: "ACTIVE", familyPrefix: "a" }),
        );
        assert.deepEqual(active.items.map(key), ["api:1", "api:2"]);
      }));

    it("lists families by whether they have an ACTIVE revision", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          await tx.taskDefinitions.allocateRevision("api");
          await tx.taskDefinitions.put(aTaskDefinition("api", 1, "ACTIVE"));
          await tx.taskDefinitions.allocateRevision("batch");
          await tx.taskDefinitions.put(aTaskDefinition("batch", 1, "INACTIVE"));
        });
        const families = (status?: "ACTIVE" | "INACTIVE") =>
          store.read((tx) => tx.taskDefinitions.families({ limit: 10, status })).then((p) => p.items);
        assert.deepEqual(await families(), ["api", "batch"]);
        assert.deepEqual(await families("ACTIVE"), ["api"]);
        assert.deepEqual(await families("INACTIVE"), ["batch"]);
      }));

    it("treats a family prefix literally", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          await tx.taskDefinitions.put(aTaskDefinition("a_b", 1, "ACTIVE"));
          await tx.taskDefinitions.put(aTaskDefinition("axb", 1, "ACTIVE"));
        });
        const page = await store.read((tx) => tx.taskDefinitions.list({ limit: 10, descending: false, familyPrefix: "a_" }));
        assert.deepEqual(page.items.map(key), ["a_b:1"]);
      }));

    it("adds, overwrites and removes tags", () =>
      withStore(async (store) => {
        const arn = "arn:aws:ecs:us-east-1:000000000000:cluster/x";
        await store.write((tx) => tx.tags.put(arn, [{ key: "team", value: "a" }, { key: "env", value: "dev" }]));
        await store.write((tx) => tx.tags.put(arn, [{ key: "team", value: "b" }]));
        await store.write((tx) => tx.tags.remove(arn, ["env", "absent"]));
        assert.deepEqual(await store.read((tx) => tx.tags.list(arn)), [{ key: "team", value: "b" }]);
      }));

    it("keeps what it acknowledged across a reopen", async () => {
      await withStore((store) => store.write((tx) => tx.clusters.put(aCluster("durable"))), "reopened");
      await withStore(async (store) => {
        assert.equal((await store.read((tx) => tx.clusters.get("durable")))?.name, "durable");
      }, "reopened");
    });
  });
}

const key = (t: TaskDefinitionRecord): string => `${t.family}:${t.revision}`;

function aCluster(name: string): ClusterRecord {
  return {
    name,
    arn: `arn:aws:ecs:us-east-1:000000000000:cluster/${name}`,
    status: "ACTIVE",
    settings: [{ name: "containerInsights", value: "disabled" }],
    createdAtMs: 1_700_000_000_000,
  };
}

function aTaskDefinition(family: string, revision: number, status: TaskDefinitionRecord["status"]): TaskDefinitionRecord {
  return {
    family,
    revision,
    status,
    body: { family, revision, containerDefinitions: [{ name: "app", image: "busybox", memory: 64 }] },
    registeredAtMs: 1_700_000_000_000,
  };
}
