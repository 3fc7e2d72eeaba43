import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChangesTrimmedError } from "../changes.js";
import { aCluster } from "../store-builders.js";
import { storeContract } from "../store-contract.js";
import { SqliteStore } from "./sqlite-store.js";

const dir = mkdtempSync(join(tmpdir(), "berth-sqlite-"));
after(() => rmSync(dir, { recursive: true, force: true }));

storeContract("SQLite", (database) => Promise.resolve(new SqliteStore({ path: join(dir, `${database}.db`) })));

describe("SQLite change log retention", () => {
  it("keeps the newest changes it promises, and says so when a subscriber asks for older ones", async () => {
    const store = new SqliteStore({ path: join(dir, "retention.db"), changesKept: 10 });
    try {
      for (let i = 0; i < 30; i++) await store.write((tx) => tx.clusters.put(aCluster(`c${i}`)));
      const head = await store.changes.head();
      assert.equal(head, 30);
      assert.deepEqual((await store.changes.since(head - 10, 100)).map((c) => c.revision), Array.from({ length: 10 }, (_, i) => 21 + i));
      await assert.rejects(store.changes.since(0, 100), (e: unknown) => e instanceof ChangesTrimmedError && e.revision === 0);
    } finally {
      await store.close();
    }
  });
});

describe("SQLite durability", () => {
  it("acknowledges a group commit, and tells subscribers of it, only once the WAL is synced", async () => {
    const syncs: { fd: number; done: () => void }[] = [];
    const store = new SqliteStore({ path: join(dir, "durable.db"), syncData: (fd) => new Promise<void>((done) => syncs.push({ fd, done })) });
    try {
      const heard: string[] = [];
      store.changes.subscribe((c) => heard.push(c.kind === "cluster" ? c.record.name : c.kind));
      let acknowledged = false;
      const write = store.write((tx) => tx.clusters.put(aCluster("durable"))).then(() => (acknowledged = true));
      for (let turn = 0; syncs.length === 0 && turn < 1000; turn++) await new Promise((r) => setImmediate(r));
      assert.equal(syncs.length, 1, "the group commit syncs the WAL");
      // Committed (a reader sees it), but neither the writer nor a subscriber has heard of it.
      assert.equal((await store.read((tx) => tx.clusters.get("durable")))?.name, "durable");
      await new Promise((r) => setImmediate(r));
      assert.equal(acknowledged, false);
      assert.deepEqual(heard, []);
      syncs[0]!.done();
      await write;
      assert.deepEqual(heard, ["durable"]);
    } finally {
      syncs.forEach((s) => s.done());
      await store.close();
    }
  });

  it("refuses the group and every later write when the sync fails, as nothing says the data is on disk", async () => {
    const store = new SqliteStore({ path: join(dir, "failing.db"), syncData: () => Promise.reject(new Error("EIO: i/o error, fdatasync")) });
    try {
      await assert.rejects(store.write((tx) => tx.clusters.put(aCluster("lost"))), /EIO/);
      await assert.rejects(store.write((tx) => tx.clusters.put(aCluster("later"))), /closed/);
    } finally {
      await store.close();
    }
  });
});
