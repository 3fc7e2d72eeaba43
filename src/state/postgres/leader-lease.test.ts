import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { frozenProxy } from "../../../test/support/frozen-proxy.js";
import { startPostgres, type PostgresServer } from "../../../test/support/postgres-server.js";
import { until } from "../../../test/support/until.js";
import { NotLeaderError } from "../leadership.js";
import { aCluster } from "../store-builders.js";
import type { LeaderLeaseOptions } from "./leader-lease.js";
import { PostgresStore } from "./postgres-store.js";

let server: PostgresServer;
let databases = 0;
before(async () => (server = await startPostgres()));
after(() => server.stop());

/** Short leases, so that the tests take seconds: a lease of 1.5 s renewed every 0.3 s. */
const quick = { ttlMs: 1500, renewEveryMs: 300 } as const;

/** Replicas on one new database: each its own store and lease (with options of its own, given the database's name). */
async function replicas(names: readonly string[], lease: (name: string, database: string) => Partial<LeaderLeaseOptions> = () => ({})) {
  const database = `lease${databases++}`;
  await server.createDatabase(database);
  const all = await Promise.all(
    names.map(async (holder) => {
      const store = await PostgresStore.open({ url: server.url(database) });
      const l = store.lease({ holder, ...quick, ...lease(holder, database) });
      const heard: { leading: boolean; at: number }[] = [];
      l.onChange((leading) => heard.push({ leading, at: performance.now() }));
      return { holder, store, lease: l, heard };
    }),
  );
  return {
    all,
    close: async () => {
      for (const r of all) await r.lease.close();
      for (const r of all) await r.store.close();
    },
  };
}

/** Replicas a and b on a new database, a's lease reaching it through a proxy the test can freeze (a partition). */
async function aCutOffAndB(a: Partial<LeaderLeaseOptions> = {}) {
  const proxy = await frozenProxy(server.socketPath);
  const { all, close } = await replicas(["a", "b"], (holder, database) => (holder === "a" ? { url: `postgresql://berth@127.0.0.1:${proxy.port}/${database}`, ...a } : {}));
  return {
    a: all[0]!,
    b: all[1]!,
    proxy,
    close: async () => {
      await close();
      await proxy.close();
    },
  };
}

describe("PostgreSQL leader lease", () => {
  it("lets one replica of three lead; when it goes, another leads within the lease", async () => {
    const { all, close } = await replicas(["a", "b", "c"]);
    try {
      for (const r of all) r.lease.start();
      const first = await until("a leader", () => {
        const leading = all.filter((r) => r.lease.leading);
        return leading.length === 1 ? leading[0] : undefined;
      });
      await new Promise((r) => setTimeout(r, 3 * quick.renewEveryMs)); // renewals keep it: still one leader
      assert.deepEqual(all.filter((r) => r.lease.leading).map((r) => r.holder), [first.holder]);
      await first.lease.close();
      const second = await until("the next leader", () => all.find((r) => r !== first && r.lease.leading), { timeoutMs: quick.ttlMs + 2000 });
      assert.notEqual(second.holder, first.holder);
      assert.equal(all.filter((r) => r.lease.leading).length, 1);
    } finally {
      await close();
    }
  });

  it("cut off from the database, the leader stops leading before another replica starts", async () => {
    const { a, b, proxy, close } = await aCutOffAndB();
    try {
      a.lease.start();
      await until("a leads", () => a.lease.leading || undefined);
      b.lease.start();
      proxy.freeze();
      await until("b leads", () => b.lease.leading || undefined, { timeoutMs: 10_000 });
      const aStopped = a.heard.find((h) => !h.leading);
      const bStarted = b.heard.find((h) => h.leading);
      assert.ok(aStopped, "a never heard it stopped leading");
      assert.ok(aStopped.at < bStarted!.at, `a stopped at ${aStopped.at.toFixed(0)}, after b started at ${bStarted!.at.toFixed(0)}`);
    } finally {
      await close();
    }
  });

  it("refuses a write of a leader whose term has ended, even one that has not noticed", async () => {
    // a's clock stands still: by its own count its lease never runs out, as a paused process believes.
    const { a, b, proxy, close } = await aCutOffAndB({ now: () => 0 });
    try {
      a.lease.start();
      await until("a leads", () => a.lease.leading || undefined);
      await a.lease.store.write((tx) => tx.clusters.put(aCluster("by-a")));
      proxy.freeze();
      b.lease.start();
      await until("b leads", () => b.lease.leading || undefined, { timeoutMs: 10_000 });
      assert.equal(a.lease.leading, true, "a still believes it leads");
      await assert.rejects(a.lease.store.write((tx) => tx.clusters.put(aCluster("late-by-a"))), NotLeaderError);
      await b.lease.store.write((tx) => tx.clusters.put(aCluster("by-b")));
      const names = (await b.store.read((tx) => tx.clusters.list({ limit: 10 }))).items.map((c) => c.name);
      assert.deepEqual(names, ["by-a", "by-b"]);
    } finally {
      await close();
    }
  });

  it("makes the next leader wait for the last write of the term before it", async () => {
    const { a, b, proxy, close } = await aCutOffAndB({ now: () => 0 });
    try {
      a.lease.start();
      await until("a leads", () => a.lease.leading || undefined);
      let open!: () => void;
      const gate = new Promise<void>((r) => (open = r));
      // a's write has passed its check and waits; meanwhile a's renewals stop reaching the database.
      const slow = a.lease.store.write(async (tx) => {
        await gate;
        await tx.clusters.put(aCluster("last-of-a"));
      });
      await new Promise((r) => setTimeout(r, 100));
      proxy.freeze();
      b.lease.start();
      await new Promise((r) => setTimeout(r, quick.ttlMs + 4 * quick.renewEveryMs));
      assert.equal(b.lease.leading, false, "b took over while a's write was open");
      open();
      await slow;
      await until("b leads after a's write", () => b.lease.leading || undefined, { timeoutMs: 10_000 });
      assert.ok(await b.store.read((tx) => tx.clusters.get("last-of-a")));
    } finally {
      await close();
    }
  });
});
