import { it } from "node:test";
import assert from "node:assert/strict";
import type { ReadTx, Store, WriteTx } from "./store.js";
import { aCluster, aContainerInstance, aService, aTask } from "./store-builders.js";
import { VersionConflictError, type VersionedKind } from "./version-conflict.js";

type WithStore = (fn: (s: Store) => Promise<void>) => Promise<void>;

/** One versioned kind of record as the contract exercises it: one record, at any version, with a mark that tells saves apart. */
interface Versioned<R> {
  readonly kind: VersionedKind;
  /** The record's key as VersionConflictError names it. */
  readonly key: string;
  make(version: number, mark: string): R;
  put(tx: WriteTx, record: R): Promise<void>;
  get(tx: ReadTx): Promise<R | undefined>;
}

const cluster: Versioned<ReturnType<typeof aCluster>> = {
  kind: "cluster",
  key: "c",
  make: (version, mark) => ({ ...aCluster("c"), settings: [{ name: "containerInsights", value: mark }], version }),
  put: (tx, r) => tx.clusters.put(r),
  get: (tx) => tx.clusters.get("c"),
};

const instance = aContainerInstance("c", "i1");
const containerInstance: Versioned<typeof instance> = {
  kind: "containerInstance",
  key: instance.arn,
  make: (version, mark) => ({ ...instance, statusReason: mark, version }),
  put: (tx, r) => tx.containerInstances.put(r),
  get: (tx) => tx.containerInstances.get(instance.arn),
};

const oneTask = aTask("t1", {});
const task: Versioned<typeof oneTask> = {
  kind: "task",
  key: oneTask.arn,
  make: (version, mark) => ({ ...oneTask, stoppedReason: mark, version }),
  put: (tx, r) => tx.tasks.put(r),
  get: (tx) => tx.tasks.get(oneTask.arn),
};

const service: Versioned<ReturnType<typeof aService>> = {
  kind: "service",
  key: "c/web",
  make: (version, mark) => aService("c", "web", { createdBy: mark, version }),
  put: (tx, r) => tx.services.put(r),
  get: (tx) => tx.services.get("c", "web"),
};

/** A rejection that is the store's conflict error, naming this record and the versions involved. */
const conflict =
  (k: Versioned<unknown>, readVersion: number, storedVersion: number | undefined) =>
  (e: unknown): boolean => {
    assert.ok(e instanceof VersionConflictError, `expected a VersionConflictError, got ${String(e)}`);
    assert.deepEqual({ kind: e.kind, key: e.key, readVersion: e.readVersion, storedVersion: e.storedVersion }, { kind: k.kind, key: k.key, readVersion, storedVersion });
    return true;
  };

/**
 * Saves are conditional on the version the writer read: the cases for every versioned kind, run by
 * `storeContract` over each implementation.
 */
export function versionContract(withStore: WithStore): void {
  const kinds: readonly Versioned<unknown>[] = [cluster, containerInstance, task, service];
  const each = (name: string, test: (k: Versioned<unknown>, store: Store) => Promise<void>): void => {
    for (const k of kinds) {
      it(`${name} (${k.kind})`, () => withStore((store) => test(k, store)));
    }
  };

  each("refuses a stale save with a conflict, and changes nothing", async (k, store) => {
    await store.write((tx) => k.put(tx, k.make(1, "first")));
    await store.write((tx) => k.put(tx, k.make(2, "second")));
    await assert.rejects(
      store.write((tx) => k.put(tx, k.make(2, "from a stale read of version 1"))),
      conflict(k, 1, 2),
    );
    await assert.rejects(store.write((tx) => k.put(tx, k.make(4, "skipping version 3"))), conflict(k, 3, 2));
    assert.deepEqual(await store.read((tx) => k.get(tx)), k.make(2, "second"));
  });

  each("lets one of two writers that read the same version save; the other gets a conflict (no lost update)", async (k, store) => {
    await store.write((tx) => k.put(tx, k.make(1, "original")));
    // Both read version 1 before either saves, as two replicas (or a read outside the write) would.
    const [a, b] = await Promise.all([store.read((tx) => k.get(tx)), store.read((tx) => k.get(tx))]);
    assert.ok(a && b);
    const outcomes = await Promise.allSettled([
      store.write((tx) => k.put(tx, k.make(2, "writer A"))),
      store.write((tx) => k.put(tx, k.make(2, "writer B"))),
    ]);
    const saved = outcomes.flatMap((o, i) => (o.status === "fulfilled" ? [i] : []));
    assert.equal(saved.length, 1, "exactly one writer saves");
    const refused = outcomes.find((o) => o.status === "rejected");
    assert.ok(refused && conflict(k, 1, 2)(refused.reason));
    assert.deepEqual(await store.read((tx) => k.get(tx)), k.make(2, saved[0] === 0 ? "writer A" : "writer B"), "the winner's save is the one stored");
  });

  each("takes a new record only at version 1", async (k, store) => {
    await assert.rejects(store.write((tx) => k.put(tx, k.make(2, "new at 2"))), conflict(k, 1, undefined));
    await assert.rejects(store.write((tx) => k.put(tx, k.make(0, "new at 0"))), conflict(k, -1, undefined));
    assert.equal(await store.read((tx) => k.get(tx)), undefined);
    await store.write((tx) => k.put(tx, k.make(1, "created")));
    await assert.rejects(store.write((tx) => k.put(tx, k.make(1, "created again"))), conflict(k, 0, 1));
    assert.deepEqual(await store.read((tx) => k.get(tx)), k.make(1, "created"));
  });

  each("leaves versions as they were when a write rolls back", async (k, store) => {
    await store.write((tx) => k.put(tx, k.make(1, "kept")));
    await assert.rejects(
      store.write(async (tx) => {
        await k.put(tx, k.make(2, "rolled back"));
        await k.put(tx, k.make(3, "rolled back too"));
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.deepEqual(await store.read((tx) => k.get(tx)), k.make(1, "kept"));
    // Version 1 is still the one stored, so a writer that read it saves version 2.
    await store.write((tx) => k.put(tx, k.make(2, "after the rollback")));
    assert.deepEqual(await store.read((tx) => k.get(tx)), k.make(2, "after the rollback"));
  });

  it("rolls back the whole write a conflict refuses, and only that write", () =>
    withStore(async (store) => {
      await store.write((tx) => tx.clusters.put(aCluster("c")));
      const refused = store.write(async (tx) => {
        await tx.tasks.put(aTask("t-refused", {}));
        await tx.clusters.put(aCluster("c")); // version 1 again: the cluster exists
      });
      const kept = store.write((tx) => tx.tasks.put(aTask("t-kept", {})));
      await assert.rejects(refused, conflict(cluster, 0, 1));
      await kept;
      assert.equal(await store.read((tx) => tx.tasks.get(aTask("t-refused", {}).arn)), undefined);
      assert.ok(await store.read((tx) => tx.tasks.get(aTask("t-kept", {}).arn)));
    }));
}
