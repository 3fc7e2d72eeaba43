import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { startPostgres, type PostgresServer } from "../../test/support/postgres-server.js";
import { until } from "../../test/support/until.js";
import { mediaTypes } from "./manifest.js";
import type { PutManifest, RegistryMetadata } from "./metadata.js";
import { PostgresRegistryMetadata } from "./postgres-metadata.js";
import { aGate, anOrphanedImage, startTestRegistry, type Gate, type TestRegistry } from "./testing.js";

/**
 * Garbage collection against pushes through other replicas: two registries on one PostgreSQL
 * database and one data directory, as two `berth server` replicas are. Replica a leads (it
 * collects); replica b takes a push whose blobs a earlier image left unreferenced, and the push is
 * held between its check that they exist and its commit, while a collects.
 */

let server: PostgresServer;
let databases = 0;
before(async () => (server = await startPostgres()));
after(() => server.stop());

const graceMs = 3_600_000;


/** The metadata, with each manifest's commit held at `gate` (after the push's checks, before its transaction). */
function holdingCommits(metadata: RegistryMetadata, gate: Gate): RegistryMetadata {
  return new Proxy(metadata, {
    get(target, prop, receiver) {
      if (prop === "putManifest") return async (put: PutManifest) => (await gate.pass(), target.putManifest(put));
      const value: unknown = Reflect.get(target, prop, receiver);
      return value;
    },
  });
}

/** Replicas a and b on a new database and one data directory; b's manifest commits wait at `gate`. An admin connection looks at the locks. */
async function twoReplicas(gate: Gate) {
  await server.createDatabase(`gc${databases}`);
  const url = server.url(`gc${databases++}`);
  const a = await startTestRegistry({ metadata: () => PostgresRegistryMetadata.open({ url }) });
  const b = await startTestRegistry({ dataDir: a.dataDir, metadata: async () => holdingCommits(await PostgresRegistryMetadata.open({ url }), gate) });
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  /** Advisory locks granted or waited for, in this database. */
  const advisory = async (granted: boolean) =>
    (await admin.query<{ pid: number }>("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted = $1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())", [granted])).rows;
  return {
    a,
    b,
    advisory,
    terminate: (pid: number) => admin.query("SELECT pg_terminate_backend($1)", [pid]),
    async close() {
      await admin.end();
      await b.close();
      await a.close();
    },
  };
}

/** What docker does when HEAD says the blobs are there: PUT the manifest alone. */
const putManifest = (r: TestRegistry, tag: string, body: Buffer) =>
  fetch(`${r.base}/v2/app/manifests/${tag}`, { method: "PUT", body, headers: { authorization: r.auth, "content-type": mediaTypes.dockerManifest } });
const get = (r: TestRegistry, path: string) => fetch(`${r.base}/v2/app/${path}`, { headers: { authorization: r.auth } });

/**
 * a's orphaned image; b's push of its manifest held at the gate (after its checks, before its
 * commit); then a's GC started. `collected()` says whether GC is done already.
 */
async function aHeldPushWhileGcStarts(set: Awaited<ReturnType<typeof twoReplicas>>, gate: Gate) {
  const image = await anOrphanedImage(set.a);
  const pushed = putManifest(set.b, "v2", image.manifest);
  await gate.reached;
  let collected = false;
  const gc = set.a.registry.collectGarbage({ blobGraceMs: graceMs }).finally(() => (collected = true));
  return { ...image, pushed, gc, collected: () => collected };
}

describe("registry GC across replicas on PostgreSQL", () => {
  it("keeps the blobs a push on another replica is committing a reference to; the image pulls", async () => {
    const gate = aGate();
    const set = await twoReplicas(gate);
    try {
      const { config, layer, manifest, pushed, gc, collected } = await aHeldPushWhileGcStarts(set, gate);
      await until("a's GC waiting for b's push (or done without waiting)", async () => (collected() || (await set.advisory(false)).length > 0 ? true : undefined), { everyMs: 20 });
      gate.open();
      const res = await pushed;
      assert.equal(res.status, 201, await res.text());
      const plan = await gc;
      assert.deepEqual(plan.blobs.filter((d) => d === layer.digest || d === config.digest), [], "GC collected what b's push refers to");

      const pulled = await get(set.b, "manifests/v2");
      assert.equal(pulled.status, 200);
      assert.deepEqual(Buffer.from(await pulled.arrayBuffer()), manifest);
      for (const blob of [config, layer]) {
        const res = await get(set.b, `blobs/${blob.digest}`);
        assert.equal(res.status, 200, `blob ${blob.digest}`);
        assert.deepEqual(Buffer.from(await res.arrayBuffer()), blob.bytes);
      }
    } finally {
      gate.open();
      await set.close();
    }
  });

  it("is released by a holder whose session ends: GC goes on, and the push it no longer protects fails, until pushed again", async () => {
    const gate = aGate();
    const set = await twoReplicas(gate);
    try {
      const { config, layer, manifest, pushed, gc } = await aHeldPushWhileGcStarts(set, gate);
      await until("a's GC waiting for b's push", async () => ((await set.advisory(false)).length > 0 ? true : undefined), { everyMs: 20 });
      // As if b's process died: its lock's session ends (the push's own connections live on, to see what b answers).
      const [holder] = await set.advisory(true);
      assert.ok(holder !== undefined);
      await set.terminate(holder.pid);
      const plan = await gc;
      assert.ok(plan.blobs.includes(layer.digest), "GC no longer waits for the dead holder");
      gate.open();
      const res = await pushed;
      assert.equal(res.status, 500, "a push that lost the lock does not answer success");

      // The client pushes again: HEAD finds the layers gone, it uploads them, and the manifest goes through.
      for (const blob of [config, layer]) {
        assert.equal((await get(set.b, `blobs/${blob.digest}`)).status, 404);
        const up = await fetch(`${set.b.base}/v2/app/blobs/uploads/?digest=${blob.digest}`, { method: "POST", body: blob.bytes, headers: { authorization: set.b.auth } });
        assert.equal(up.status, 201);
      }
      assert.equal((await putManifest(set.b, "v2", manifest)).status, 201);
      assert.equal((await get(set.b, `blobs/${layer.digest}`)).status, 200);
    } finally {
      gate.open();
      await set.close();
    }
  });
});
