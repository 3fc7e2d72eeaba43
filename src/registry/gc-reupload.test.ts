import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { eachRegistryMetadata } from "../../test/support/each-store.js";
import { aGate, anOrphanedImage, startTestRegistry, type TestRegistry } from "./testing.js";

const graceMs = 3_600_000;

/**
 * A blob uploaded again while a collection is deleting it: GC planned the old, unreferenced copy;
 * the new upload's commit (its rename into place) must not fall between GC's scan and its
 * deletion, or GC deletes the new file and the client's next manifest PUT finds no blob.
 */
for (const metadata of eachRegistryMetadata()) {
  describe(`registry GC against a re-upload of the blob it is deleting, on ${metadata.name}`, () => {
    let t: TestRegistry;
    before(async () => (t = await startTestRegistry({ metadata: metadata.open })));
    after(() => t.close());

    it("keeps the re-uploaded blob: its commit waits for the collection, and it pulls", async () => {
      const { layer } = await anOrphanedImage(t);

      // GC stops at its first deletion, with its plan made (the orphaned layer in it) and its lock held.
      const gate = aGate();
      const blobs = t.registry.blobs;
      const remove = blobs.delete.bind(blobs);
      blobs.delete = async (d: string) => (await gate.pass(), remove(d));
      const gc = t.registry.collectGarbage({ blobGraceMs: graceMs });
      await gate.reached;

      // The client uploads the layer again (a monolithic upload) meanwhile. Without the guard its
      // rename lands during this wait (a wait for time to pass) and GC deletes the new file; with
      // it, the rename waits for GC to finish.
      const upload = fetch(`${t.base}/v2/app/blobs/uploads/?digest=${layer.digest}`, { method: "POST", body: layer.bytes, headers: { authorization: t.auth } });
      await new Promise((r) => setTimeout(r, 300));
      gate.open();
      const plan = await gc;
      assert.ok(plan.blobs.includes(layer.digest), "GC collected the old copy");
      assert.equal((await upload).status, 201);

      const res = await fetch(`${t.base}/v2/app/blobs/${layer.digest}`, { headers: { authorization: t.auth } });
      assert.equal(res.status, 200);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), layer.bytes);
    });
  });
}
