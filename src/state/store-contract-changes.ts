import { it } from "node:test";
import assert from "node:assert/strict";
import type { LoggedChange } from "./changes.js";
import type { Store } from "./store.js";
import { aCluster, aTask } from "./store-builders.js";

type WithStore = (fn: (s: Store) => Promise<void>, database?: string) => Promise<void>;

/** A change as the cases compare them: its kind and the record's key. */
const keyOf = (c: LoggedChange): string => `${c.kind}:${c.kind === "cluster" ? c.record.name : c.kind === "service" ? c.record.name : c.record.arn}`;

/** Each write saves a cluster and a task named after `n`; the task's key tells writes apart. */
const saveBoth = (store: Store, n: string) =>
  store.write(async (tx) => {
    await tx.clusters.put(aCluster(`c-${n}`));
    await tx.tasks.put(aTask(`t-${n}`, { cluster: `c-${n}` }));
  });
const expectedKeys = (names: readonly string[]) => names.flatMap((n) => [`cluster:c-${n}`, `task:${aTask(`t-${n}`, { cluster: `c-${n}` }).arn}`]);

/** Collects a subscriber's changes and resolves once it has `count` of them. */
function collect(store: Store, count: number, from?: number) {
  const got: LoggedChange[] = [];
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  const stop = store.changes.subscribe(
    (c) => {
      got.push(c);
      if (got.length >= count) done();
    },
    { from, onError: (err) => assert.fail(err instanceof Error ? err : String(err)) },
  );
  return { got, all, stop };
}

/** The change log's cases of the store contract: ordering, exactly-once delivery, resuming from a revision. */
export function changeLogContract(withStore: WithStore, freshName: () => string): void {
  it("logs every committed save in commit order, with revisions that only grow", () =>
    withStore(async (store) => {
      const start = await store.changes.head();
      const names = Array.from({ length: 12 }, (_, i) => `w${i}`);
      const doomed = store.write(async (tx) => {
        await tx.clusters.put(aCluster("doomed"));
        throw new Error("boom");
      });
      await Promise.all([...names.map((n) => saveBoth(store, n)), assert.rejects(doomed, /boom/)]);
      const log = await store.changes.since(start, 1000);
      assert.deepEqual(log.map(keyOf), expectedKeys(names));
      log.forEach((c, i) => assert.ok(i === 0 ? c.revision > start : c.revision > log[i - 1]!.revision, `revision ${c.revision} after ${log[i - 1]?.revision}`));
      assert.equal(await store.changes.head(), log[log.length - 1]!.revision);
      assert.deepEqual((await store.changes.since(start, 3)).map(keyOf), expectedKeys(names).slice(0, 3));
      // The logged record is the record as saved.
      const task = log.find((c) => c.kind === "task");
      assert.deepEqual(task?.record, aTask("t-w0", { cluster: "c-w0" }));
    }));

  it("delivers each committed change once, in order, and nothing of a write that rolled back", () =>
    withStore(async (store) => {
      const names = Array.from({ length: 20 }, (_, i) => `d${i}`);
      const sub = collect(store, names.length * 2);
      const start = await store.changes.head();
      const writes = names.map((n, i) =>
        i % 5 === 4
          ? store.write(async (tx) => {
              await tx.clusters.put(aCluster(`gone-${n}`));
              throw new Error("rolled back");
            }).catch(() => saveBoth(store, n))
          : saveBoth(store, n),
      );
      await Promise.all(writes);
      await sub.all;
      sub.stop();
      const logged = await store.changes.since(start, 1000);
      assert.deepEqual(sub.got.map((c) => c.revision), logged.map((c) => c.revision));
      assert.equal(new Set(sub.got.map((c) => c.revision)).size, sub.got.length);
      assert.ok(!sub.got.some((c) => keyOf(c).startsWith("cluster:gone-")));
      assert.deepEqual(new Set(sub.got.map(keyOf)), new Set(expectedKeys(names)));
    }));

  it("a subscriber from an older revision reads back what it missed (each record as it is now), then follows live, nothing twice", () =>
    withStore(async (store) => {
      for (const n of ["a1", "a2", "a3"]) await saveBoth(store, n);
      const from = await store.changes.head();
      for (const n of ["b1", "b2", "b3"]) await saveBoth(store, n);
      const sub = collect(store, 12, from);
      // Commits that land while the subscriber is still reading back.
      await Promise.all(["c1", "c2", "c3"].map((n) => saveBoth(store, n)));
      await sub.all;
      sub.stop();
      assert.deepEqual(sub.got.map(keyOf), expectedKeys(["b1", "b2", "b3", "c1", "c2", "c3"]));
      assert.equal(sub.got[0]!.revision, from + 1);
    }));

  it("reads a change back with its record as it is now: one saved twice reads back twice, newest both times", () =>
    withStore(async (store) => {
      const start = await store.changes.head();
      const first = aTask("twice", {});
      await store.write((tx) => tx.tasks.put(first));
      await store.write((tx) => tx.tasks.put({ ...first, lastStatus: "RUNNING", version: 2 }));
      const back = await store.changes.since(start, 10);
      assert.deepEqual(back.map((c) => [c.revision - start, c.kind === "task" ? c.record.version : 0]), [[1, 2], [2, 2]]);
    }));

  it("resumes after a restart: the head and the log outlive the process", async () => {
    const database = freshName();
    let from = 0;
    let head = 0;
    await withStore(async (store) => {
      await saveBoth(store, "r1");
      from = await store.changes.head();
      await saveBoth(store, "r2");
      head = await store.changes.head();
    }, database);
    await withStore(async (store) => {
      assert.equal(await store.changes.head(), head);
      assert.deepEqual((await store.changes.since(from, 100)).map(keyOf), expectedKeys(["r2"]));
      const sub = collect(store, 4, from);
      await saveBoth(store, "r3");
      await sub.all;
      sub.stop();
      assert.deepEqual(sub.got.map(keyOf), expectedKeys(["r2", "r3"]));
      assert.ok(sub.got[2]!.revision > head, "revisions go on growing after a restart");
    }, database);
  });
}
