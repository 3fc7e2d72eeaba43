import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { startPostgres, type PostgresServer } from "../../../test/support/postgres-server.js";
import { until } from "../../../test/support/until.js";
import { ChangesTrimmedError } from "../changes.js";
import { aCluster } from "../store-builders.js";
import { storeContract } from "../store-contract.js";
import { PostgresStore } from "./postgres-store.js";

let server: PostgresServer;
const created = new Set<string>();
before(async () => (server = await startPostgres()));
after(() => server.stop());

storeContract("PostgreSQL", async (database) => {
  if (!created.has(database)) {
    await server.createDatabase(database);
    created.add(database);
  }
  return PostgresStore.open({ url: server.url(database) });
});

describe("PostgreSQL change log retention", () => {
  it("keeps the newest changes it promises, written with their transaction, and says so when a subscriber asks for older ones", async () => {
    await server.createDatabase("retention");
    // Keep 30: trimmed whenever a transaction crosses a multiple of 3. Writes of 13, 13 and 11 saves
    // end on revisions 13, 26 and 37, none of them a multiple.
    const store = await PostgresStore.open({ url: server.url("retention"), changesKept: 30 });
    try {
      for (const [i, saves] of [13, 13, 11].entries()) await store.write(async (tx) => Promise.all(Array.from({ length: saves }, (_, k) => tx.clusters.put(aCluster(`c${i}-${k}`)))));
      const head = await store.changes.head();
      assert.equal(head, 37);
      assert.deepEqual((await store.changes.since(head - 30, 100)).map((c) => c.revision), Array.from({ length: 30 }, (_, i) => 8 + i));
      await assert.rejects(store.changes.since(0, 100), (e: unknown) => e instanceof ChangesTrimmedError && e.revision === 0);
      // A rolled-back write hands its revisions back: the next one continues without a gap.
      await assert.rejects(store.write(async (tx) => {
        await tx.clusters.put(aCluster("doomed"));
        throw new Error("no");
      }));
      await store.write((tx) => tx.clusters.put(aCluster("next")));
      assert.deepEqual((await store.changes.since(head, 10)).map((c) => [c.revision, c.kind === "cluster" && c.record.name]), [[38, "next"]]);
    } finally {
      await store.close();
    }
  });
});

describe("PostgreSQL store: connections", () => {
  it("makes its connections anew after the database ended them, and follows what it missed meanwhile", async () => {
    await server.createDatabase("reconnect");
    const url = server.url("reconnect");
    const store = await PostgresStore.open({ url, followEveryMs: 100 });
    const other = await PostgresStore.open({ url });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const heard: string[] = [];
      store.changes.subscribe((c) => heard.push(c.kind === "cluster" ? c.record.name : c.kind));
      await store.write((tx) => tx.clusters.put(aCluster("before")));
      // Every connection of `store`'s (and the other's), ended by the server as a restart would.
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
      // The first write may find its connection gone; one after it goes through.
      await store.write((tx) => tx.clusters.put(aCluster("during"))).catch(() => undefined);
      await until("a write after the cut", () => store.write((tx) => tx.clusters.put(aCluster(`after-${Date.now()}`))).then(() => true));
      await until("another replica's write", () => other.write((tx) => tx.clusters.put(aCluster(`other-${Date.now()}`))).then(() => true));
      await until("the other replica's write heard", () => (heard.some((n) => n.startsWith("other-")) ? true : undefined), { timeoutMs: 5000 });
      assert.ok(await store.read((tx) => tx.clusters.get("before")));
    } finally {
      await admin.end();
      await other.close();
      await store.close();
    }
  });

  it("lets the others write on when a replica sits inside a transaction (paused, cut off): the database ends it", { timeout: 20_000 }, async () => {
    await server.createDatabase("stalled");
    const url = server.url("stalled");
    const stalled = await PostgresStore.open({ url, writerIdleLimitMs: 500 });
    const other = await PostgresStore.open({ url });
    try {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      // This write holds the write lock and sends nothing, as a paused process would.
      const stuck = stalled.write(async (tx) => {
        await tx.clusters.put(aCluster("stuck"));
        await gate;
      });
      await new Promise((r) => setTimeout(r, 100));
      const started = performance.now();
      await other.write((tx) => tx.clusters.put(aCluster("other")));
      assert.ok(performance.now() - started < 5000, "the other replica waited for the stalled one");
      release();
      await assert.rejects(stuck);
      assert.equal(await other.read((tx) => tx.clusters.get("stuck")), undefined);
      // The stalled store writes again on a new connection.
      await until("a write after", () => stalled.write((tx) => tx.clusters.put(aCluster(`after-${Date.now()}`))).then(() => true));
    } finally {
      await other.close();
      await stalled.close();
    }
  });
});
