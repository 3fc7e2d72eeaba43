import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { pino } from "pino";
import { startRegistryMaintenance } from "./maintenance.js";
import { aBlob, pushOneLayerImage, startTestRegistry, type TestRegistry } from "./testing.js";
import { eachRegistryMetadata } from "../../test/support/each-store.js";

const untaggedBeyondOne = JSON.stringify({
  rules: [{ rulePriority: 1, selection: { tagStatus: "untagged", countType: "imageCountMoreThan", countNumber: 1 }, action: { type: "expire" } }],
});

for (const metadata of eachRegistryMetadata()) {
  describe(`registry maintenance on ${metadata.name}`, () => {
    let t: TestRegistry;
    before(async () => {
      t = await startTestRegistry({ metadata: metadata.open });
    });
    after(() => t.close());

    /** Pushes an untagged one-layer image; returns its manifest and layer digests. */
    async function pushUntagged(repo: string, seed: string): Promise<{ manifest: string; layer: string }> {
      const manifest = await pushOneLayerImage(t.registry, repo, seed);
      t.clock.now += 1000;
      return { manifest, layer: aBlob(`layer ${seed}`).digest };
    }

    /** The maintenance loop over the test registry, on its clock, collecting unreferenced blobs at once, its timer an hour away (only `runNow` runs it in a test). */
    const aMaintenanceLoop = () =>
      startRegistryMaintenance({
        registry: t.registry,
        registryId: "000000000000",
        intervalMs: 3_600_000,
        gc: { blobGraceMs: 0 },
        now: () => t.clock.now,
        logger: pino({ level: "silent" }),
      });

    it("applies each repository's lifecycle policy, then frees the expired images' blobs; a bad policy is skipped", async () => {
      await t.createRepository("app");
      await t.createRepository("broken");
      const old = await pushUntagged("app", "1");
      const mid = await pushUntagged("app", "2");
      const newest = await pushUntagged("app", "3");
      const kept = await pushUntagged("broken", "b");
      await t.registry.metadata.setLifecyclePolicy("app", untaggedBeyondOne);
      await t.registry.metadata.setLifecyclePolicy("broken", "{not json");

      const loop = aMaintenanceLoop();
      try {
        const report = await loop.runNow();
        assert.deepEqual(report.expired, { app: 2 });
        assert.equal(report.blobsRemoved, 4); // two configs, two layers
        const left = (await t.registry.metadata.listManifests("app")).map((m) => m.digest);
        assert.deepEqual(left, [newest.manifest]);
        assert.equal(await t.registry.blobs.stat(old.layer), undefined);
        assert.equal(await t.registry.blobs.stat(mid.layer), undefined);
        assert.notEqual(await t.registry.blobs.stat(newest.layer), undefined);
        assert.notEqual(await t.registry.blobs.stat(kept.layer), undefined);
        // A second run finds nothing more to do.
        assert.deepEqual(await loop.runNow(), { expired: {}, blobsRemoved: 0, uploadsRemoved: 0 });
      } finally {
        await loop.stop();
      }
    });

    it("joins a run in progress instead of starting a second one", async () => {
      const loop = aMaintenanceLoop();
      const a = loop.runNow();
      assert.equal(loop.runNow(), a);
      await a;
      await loop.stop();
    });
  });
}
