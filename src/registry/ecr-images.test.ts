import { describe, it, before, after } from "node:test";
import { Readable } from "node:stream";
import assert from "node:assert/strict";
import { digestOf } from "./digest.js";
import { AwsError } from "../errors/catalog.js";
import { applyLifecyclePolicy, batchDeleteImage, putImage } from "./ecr-image-writes.js";
import { batchGetImage, describeImages, listImages, resolveImageId } from "./ecr-images.js";
import { parseLifecyclePolicy } from "./lifecycle-policy.js";
import { mediaTypes } from "./manifest.js";
import type { ManifestRecord } from "./metadata.js";
import { aBlob, anImageManifest, startTestRegistry, type TestRegistry } from "./testing.js";
import { eachRegistryMetadata } from "../../test/support/each-store.js";

const scope = { registryId: "123456789012", repositoryName: "app" };

let n = 0;
/** A manifest record; each call gets distinct content and digest unless overridden. */
function aManifestRecord(overrides: Partial<ManifestRecord> = {}): ManifestRecord {
  const content = Buffer.from(JSON.stringify({ schemaVersion: 2, n: n++ }));
  return {
    repository: "app",
    digest: digestOf(content),
    mediaType: mediaTypes.dockerManifest,
    content,
    imageSize: 1000,
    pushedAtMs: Date.parse("2026-01-01T00:00:00Z"),
    tags: [],
    ...overrides,
  };
}

describe("ECR image reads", () => {
  const tagged = aManifestRecord({ tags: ["latest", "v1"] });
  const untagged = aManifestRecord();
  const records = [tagged, untagged];

  it("lists one identifier per tag, and untagged images by digest, filtered by tag status", () => {
    assert.deepEqual(listImages(records, "TAGGED"), [
      { imageDigest: tagged.digest, imageTag: "latest" },
      { imageDigest: tagged.digest, imageTag: "v1" },
    ]);
    assert.deepEqual(listImages(records, "UNTAGGED"), [{ imageDigest: untagged.digest }]);
    assert.equal(listImages(records).length, 3);
  });

  it("describes images with tags, size, push time and media type", () => {
    const [d] = describeImages(scope, records, { tagStatus: "TAGGED" });
    assert.deepEqual(d, {
      registryId: "123456789012",
      repositoryName: "app",
      imageDigest: tagged.digest,
      imageTags: ["latest", "v1"],
      imageSizeInBytes: 1000,
      imagePushedAt: new Date("2026-01-01T00:00:00Z"),
      imageManifestMediaType: mediaTypes.dockerManifest,
    });
    assert.equal(describeImages(scope, records, { imageIds: [{ imageTag: "v1" }, { imageDigest: tagged.digest }] }).length, 1);
    assert.throws(
      () => describeImages(scope, records, { imageIds: [{ imageTag: "nope" }] }),
      (e: unknown) => e instanceof AwsError && e.code === "ImageNotFoundException" && /imageTag:'nope'/.test(e.message),
    );
  });

  const failures: [string, { imageDigest?: string; imageTag?: string }, string][] = [
    ["neither digest nor tag", {}, "MissingDigestAndTag"],
    ["a malformed digest", { imageDigest: "not-a-digest" }, "InvalidImageDigest"],
    ["an unknown tag", { imageTag: "nope" }, "ImageNotFound"],
    ["an unknown digest", { imageDigest: `sha256:${"0".repeat(64)}` }, "ImageNotFound"],
    ["a tag of another image", { imageDigest: "", imageTag: "latest" }, "ImageTagDoesNotMatchDigest"],
  ];
  for (const [name, rawId, code] of failures) {
    it(`reports ${code} for ${name}`, () => {
      const id = rawId.imageDigest === "" ? { ...rawId, imageDigest: untagged.digest } : rawId;
      const r = resolveImageId(records, id);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.failure.failureCode, code);
    });
  }

  it("gets manifests as text with their media type, and failures beside them", () => {
    const r = batchGetImage(scope, records, [{ imageTag: "v1" }, {}]);
    assert.equal(r.images.length, 1);
    assert.equal(r.images[0]?.imageManifest, tagged.content.toString("utf8"));
    assert.deepEqual(r.images[0]?.imageId, { imageDigest: tagged.digest, imageTag: "v1" });
    assert.deepEqual(r.failures, [{ imageId: {}, failureCode: "MissingDigestAndTag", failureReason: "Invalid request parameters: both tag and digest cannot be null" }]);
    assert.equal(batchGetImage(scope, records, [{ imageTag: "v1" }], [mediaTypes.ociManifest]).failures.length, 1);
  });
});

for (const metadata of eachRegistryMetadata()) {
  describe(`ECR image writes on ${metadata.name}`, () => {
    let t: TestRegistry;
    before(async () => {
      t = await startTestRegistry({ metadata: metadata.open });
      await t.createRepository("app");
    });
    after(async () => {
      await t.close();
    });

    async function pushed(tag: string | undefined, seed: string): Promise<string> {
      const config = aBlob(`{"seed":"${seed}"}`);
      const layer = aBlob(`layer ${seed}`);
      for (const b of [config, layer]) {
        const u = await t.registry.blobs.startUpload("app");
        const r = await t.registry.blobs.complete(u.id, b.digest, Readable.from([b.bytes]));
        assert.ok(r.ok);
        await t.registry.linkUploadedBlob("app", b.digest);
      }
      const image = await putImage(t.registry, scope, { imageManifest: anImageManifest(config, [layer]).toString("utf8"), imageTag: tag });
      return image.imageId.imageDigest ?? "";
    }

    it("PutImage stores the manifest, refuses it twice, and refuses missing layers", async () => {
      const digest = await pushed("v1", "one");
      const m = await t.registry.metadata.getManifest("app", { tag: "v1" });
      assert.equal(m?.digest, digest);
      assert.equal(m?.imageSize, Buffer.byteLength('{"seed":"one"}') + Buffer.byteLength("layer one"));
      await assert.rejects(pushed("v1", "one"), (e: unknown) => e instanceof AwsError && e.code === "ImageAlreadyExistsException");
      const manifest = anImageManifest(aBlob("{}"), [aBlob("missing")]).toString("utf8");
      await assert.rejects(
        putImage(t.registry, scope, { imageManifest: manifest, imageTag: "x" }),
        (e: unknown) => e instanceof AwsError && e.code === "LayersNotFoundException",
      );
      await assert.rejects(
        putImage(t.registry, { ...scope, repositoryName: "ghost" }, { imageManifest: manifest }),
        (e: unknown) => e instanceof AwsError && e.code === "RepositoryNotFoundException",
      );
    });

    it("BatchDeleteImage removes a tag, deletes an image with its last tag or by digest, and reports failures", async () => {
      const digest = await pushed("a", "two");
      await putImage(t.registry, scope, { imageManifest: (await t.registry.metadata.getManifest("app", { digest }))?.content.toString("utf8") ?? "", imageTag: "b" });
      const first = await batchDeleteImage(t.registry.metadata, scope, [{ imageTag: "a" }, { imageTag: "zzz" }]);
      assert.deepEqual(first.imageIds, [{ imageDigest: digest, imageTag: "a" }]);
      assert.deepEqual(first.failures.map((f) => f.failureCode), ["ImageNotFound"]);
      assert.ok(await t.registry.metadata.getManifest("app", { digest }), "still there under tag b");
      const second = await batchDeleteImage(t.registry.metadata, scope, [{ imageDigest: digest }]);
      assert.deepEqual(second.imageIds, [{ imageDigest: digest, imageTag: "b" }]);
      assert.equal(await t.registry.metadata.getManifest("app", { digest }), undefined);
    });

    it("applies a lifecycle policy: expire untagged images beyond 1", async () => {
      const old1 = await pushed(undefined, "u1");
      t.clock.now += 1000;
      const old2 = await pushed(undefined, "u2");
      t.clock.now += 1000;
      const newest = await pushed(undefined, "u3");
      const parsed = parseLifecyclePolicy(
        JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: "untagged", countType: "imageCountMoreThan", countNumber: 1 }, action: { type: "expire" } }] }),
      );
      assert.ok(parsed.ok);
      const expired = await applyLifecyclePolicy(t.registry.metadata, scope, parsed.policy, t.clock.now);
      assert.deepEqual(expired.map((e) => e.digest).sort(), [old1, old2].sort());
      const left = listImages(await t.registry.metadata.listManifests("app"), "UNTAGGED");
      assert.deepEqual(left, [{ imageDigest: newest }]);
    });
  });
}
