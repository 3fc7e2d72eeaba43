import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { startPostgres, type PostgresServer } from "../../test/support/postgres-server.js";
import { until } from "../../test/support/until.js";
import { digestOf } from "./digest.js";
import { mediaTypes } from "./manifest.js";
import type { PutManifest } from "./metadata.js";
import { PostgresRegistryMetadata } from "./postgres-metadata.js";

/**
 * What only the PostgreSQL metadata has to do: be shared by replicas. Two instances on one
 * database stand for two replicas; the contract itself is metadata.test.ts.
 */

let server: PostgresServer;
let databases = 0;
before(async () => (server = await startPostgres()));
after(() => server.stop());

/** A new database, and `count` instances on it (opened together, as replicas starting at once). */
async function replicas(count: number, options: { schema?: string; reconnectEveryMs?: number } = {}): Promise<{ url: string; instances: PostgresRegistryMetadata[]; close(): Promise<void> }> {
  const database = `replicas${databases++}`;
  await server.createDatabase(database);
  const url = server.url(database);
  const instances = await Promise.all(Array.from({ length: count }, () => PostgresRegistryMetadata.open({ url, ...options })));
  return { url, instances, close: async () => void (await Promise.all(instances.map((i) => i.close()))) };
}

function aManifest(repository: string, seed: string, overrides: Partial<PutManifest> = {}): PutManifest {
  const content = Buffer.from(`{"seed":"${seed}"}`);
  return { repository, digest: digestOf(content), mediaType: mediaTypes.dockerManifest, content, imageSize: content.length, pushedAtMs: 1, blobs: [`sha256:blob-${seed}`], manifests: [], ...overrides };
}

const aRepository = (name: string, imageTagMutability: "MUTABLE" | "IMMUTABLE" = "MUTABLE") => ({ name, createdAtMs: 1, imageTagMutability });

describe("PostgreSQL registry metadata: replicas", () => {
  it("migrates once when replicas open together, in the schema named, beside nothing of the store's", async () => {
    const set = await replicas(3, { schema: "region_west" });
    const admin = new pg.Client({ connectionString: set.url });
    await admin.connect();
    try {
      const versions = await admin.query<{ version: number }>("SELECT version FROM region_west.registry_schema_version");
      assert.deepEqual(versions.rows, [{ version: 1 }]);
      const tables = await admin.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'region_west' ORDER BY table_name");
      assert.ok(tables.rows.every((r) => r.table_name.startsWith("registry_")), JSON.stringify(tables.rows));
      const [a, b] = set.instances;
      await a!.createRepository(aRepository("shared"));
      assert.equal((await b!.getRepository("shared"))?.name, "shared");
    } finally {
      await admin.end();
      await set.close();
    }
  });

  it("a policy change on one replica reaches the listeners of the others; the replica that made it hears it once", async () => {
    const set = await replicas(3);
    const [a, b, c] = set.instances;
    try {
      const heard = set.instances.map(() => [] as string[]);
      set.instances.forEach((m, i) => m.onPolicyChange((name) => heard[i]!.push(name)));
      await a!.createRepository(aRepository("app"));
      await until("the others told of the creation", () => (heard[1]!.includes("app") && heard[2]!.includes("app") ? true : undefined), { timeoutMs: 5000 });
      assert.deepEqual(heard[0], [], "creating tells only the others (they may remember a former repository of that name)");
      heard.forEach((h) => (h.length = 0));

      await b!.setRepositoryPolicy("app", '{"Statement":[]}');
      assert.deepEqual(heard[1], ["app"], "the writer's own listeners, before it answers");
      await until("a and c told", () => (heard[0]!.length === 1 && heard[2]!.length === 1 ? true : undefined), { timeoutMs: 5000 });
      await c!.deleteRepository("app");
      await until("a and b told of the deletion", () => (heard[0]!.length === 2 && heard[1]!.length === 2 ? true : undefined), { timeoutMs: 5000 });
      assert.deepEqual(heard[2], ["app", "app"], "b's change, then its own");
      // No signal tells that a notification will not come: a short wait for a stray second one.
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(heard, [["app", "app"], ["app", "app"], ["app", "app"]]);
    } finally {
      await set.close();
    }
  });

  it("after its listening connection broke, a replica hears later changes, and forgets every repository's policy once", async () => {
    const set = await replicas(2, { reconnectEveryMs: 100 });
    const [a, b] = set.instances;
    const admin = new pg.Client({ connectionString: set.url });
    await admin.connect();
    try {
      await a!.createRepository(aRepository("one"));
      await a!.createRepository(aRepository("two"));
      const heard: string[] = [];
      b!.onPolicyChange((name) => heard.push(name));
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'");
      await until("b listening again, told of every repository", () => (heard.includes("one") && heard.includes("two") ? true : undefined), { timeoutMs: 5000 });
      heard.length = 0;
      // a's pooled connections were cut too: its next transaction may find one broken.
      await until("a policy set on a", () => a!.setRepositoryPolicy("one", '{"Statement":[]}').then(() => true), { timeoutMs: 5000 });
      await until("b told", () => (heard.includes("one") ? true : undefined), { timeoutMs: 5000 });
    } finally {
      await admin.end();
      await set.close();
    }
  });

  it("pushes racing on two replicas: an immutable tag names exactly one digest, a manifest is created once, every tag names a stored manifest", async () => {
    const set = await replicas(2);
    const [a, b] = set.instances;
    try {
      await a!.createRepository(aRepository("imm", "IMMUTABLE"));
      await a!.createRepository(aRepository("mut"));
      const contenders = Array.from({ length: 16 }, (_, i) => aManifest("imm", `c${i}`, { tag: "release" }));
      const raced = await Promise.all(contenders.map((p, i) => (i % 2 === 0 ? a! : b!).putManifest(p)));
      const won = contenders.filter((_, i) => raced[i]!.ok);
      assert.equal(won.length, 1);
      for (const r of raced) if (!r.ok) assert.deepEqual(r, { ok: false, reason: "tag-immutable", currentDigest: won[0]!.digest });
      assert.deepEqual((await b!.listManifests("imm")).map((m) => [m.digest, m.tags]), [[won[0]!.digest, ["release"]]]);

      const same = aManifest("mut", "same");
      const tags = Array.from({ length: 16 }, (_, i) => `t${i}`);
      const results = await Promise.all(tags.map((tag, i) => (i % 2 === 0 ? a! : b!).putManifest({ ...same, tag })));
      assert.equal(results.filter((r) => r.ok && r.created).length, 1, "created once");
      assert.ok(results.every((r) => r.ok));
      assert.deepEqual((await a!.getManifest("mut", { digest: same.digest }))?.tags, [...tags].sort());
      assert.equal(await b!.isBlobLinked("mut", same.blobs[0]!), true);
    } finally {
      await set.close();
    }
  });

  it("writes racing on two replicas end as if one came after the other: resource tags, deletion against pushes", async () => {
    const set = await replicas(2);
    const [a, b] = set.instances;
    try {
      await a!.createRepository(aRepository("tagged"), [{ key: "old", value: "0" }]);
      const sets = Array.from({ length: 10 }, (_, i) => [{ key: `k${i}`, value: `${i}` }, { key: "shared", value: `${i}` }]);
      await Promise.all(sets.map((tags, i) => (i % 2 === 0 ? a! : b!).setRepositoryTags("tagged", tags)));
      const final = await b!.listRepositoryTags("tagged");
      assert.ok(sets.some((s) => JSON.stringify([...s].sort((x, y) => (x.key < y.key ? -1 : 1))) === JSON.stringify(final)), JSON.stringify(final));

      await a!.createRepository(aRepository("doomed"));
      const pushes = Array.from({ length: 10 }, (_, i) => b!.putManifest(aManifest("doomed", `d${i}`, { tag: `t${i}` })));
      const deleted = a!.deleteRepository("doomed");
      const outcomes = await Promise.all(pushes);
      assert.equal(await deleted, true);
      assert.ok(outcomes.every((o) => o.ok || o.reason === "repository-not-found"), JSON.stringify(outcomes));
      await a!.createRepository(aRepository("doomed"));
      assert.deepEqual(await a!.listManifests("doomed"), [], "nothing of a push survives the repository's deletion");
    } finally {
      await set.close();
    }
  });
});
