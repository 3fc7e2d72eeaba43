import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { digestOf } from "./digest.js";
import { mediaTypes } from "./manifest.js";
import { referrersOf } from "./referrers.js";
import type { ManifestRecord } from "./metadata.js";
import { aBlob, anImageManifest, startTestRegistry, type TestRegistry } from "./testing.js";
import { eachRegistryMetadata } from "../../test/support/each-store.js";

const subject = digestOf(Buffer.from("the subject"));
const empty = aBlob("{}");

/** An OCI artifact manifest (cosign/oras shape): the empty config, one layer, a subject. */
function anArtifact(artifactType: string | undefined, subjectDigest: string, layer: { bytes: Buffer; digest: string }, annotations?: Record<string, string>): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      ...(artifactType !== undefined && { artifactType }),
      config: { mediaType: artifactType === undefined ? "application/vnd.example.config.v1+json" : "application/vnd.oci.empty.v1+json", size: empty.bytes.length, digest: empty.digest },
      layers: [{ mediaType: "application/octet-stream", size: layer.bytes.length, digest: layer.digest }],
      subject: { mediaType: mediaTypes.ociManifest, size: 10, digest: subjectDigest },
      ...(annotations && { annotations }),
    }),
  );
}

const aRecord = (content: Buffer): ManifestRecord => ({ repository: "r", digest: digestOf(content), mediaType: mediaTypes.ociManifest, content, imageSize: 0, pushedAtMs: 0, tags: [] });

describe("referrersOf", () => {
  const sig = aRecord(anArtifact("application/vnd.dev.cosign.simplesigning.v1+json", subject, aBlob("sig"), { "org.example": "x" }));
  const sbom = aRecord(anArtifact(undefined, subject, aBlob("sbom")));
  const other = aRecord(anArtifact("application/vnd.dev.cosign.simplesigning.v1+json", digestOf(Buffer.from("another")), aBlob("sig2")));
  const image = aRecord(anImageManifest(aBlob("c"), [aBlob("l")]));

  it("finds the manifests whose subject is the digest, typed by artifactType or else the config's media type", () => {
    const found = referrersOf([image, sig, other, sbom], subject);
    assert.deepEqual(found.map((r) => r.digest), [sig.digest, sbom.digest].sort());
    const bySig = found.find((r) => r.digest === sig.digest);
    assert.equal(bySig?.artifactType, "application/vnd.dev.cosign.simplesigning.v1+json");
    assert.deepEqual(bySig?.annotations, { "org.example": "x" });
    assert.equal(bySig?.size, sig.content.length);
    assert.equal(found.find((r) => r.digest === sbom.digest)?.artifactType, "application/vnd.example.config.v1+json");
  });

  it("keeps only the artifact types asked for; none asked keeps all", () => {
    assert.deepEqual(referrersOf([sig, sbom], subject, ["application/vnd.example.config.v1+json"]).map((r) => r.digest), [sbom.digest]);
    assert.equal(referrersOf([sig, sbom], subject, []).length, 2);
    assert.equal(referrersOf([sig, sbom], subject, ["application/unknown"]).length, 0);
  });

  it("ignores manifests that are not JSON or have no subject", () => {
    assert.deepEqual(referrersOf([aRecord(Buffer.from("not json")), image], subject), []);
  });
});

for (const metadata of eachRegistryMetadata()) {
  describe(`GET /v2/<name>/referrers/<digest> on ${metadata.name}`, () => {
    let t: TestRegistry;
    const get = (path: string) => fetch(`${t.base}${path}`, { headers: { Authorization: t.auth } });
    const put = (path: string, body: Buffer, type: string) => fetch(`${t.base}${path}`, { method: "PUT", body, headers: { Authorization: t.auth, "Content-Type": type } });
    const pushBlob = async (blob: { bytes: Buffer; digest: string }) => {
      const res = await fetch(`${t.base}/v2/art/blobs/uploads/?digest=${blob.digest}`, { method: "POST", body: blob.bytes, headers: { Authorization: t.auth } });
      assert.equal(res.status, 201);
    };
    let imageDigest = "";
    let sigDigest = "";

    before(async () => {
      t = await startTestRegistry({ metadata: metadata.open });
      await t.createRepository("art");
      const config = aBlob('{"os":"linux"}');
      const layer = aBlob("layer");
      const sig = aBlob("signature bytes");
      for (const b of [config, layer, sig, empty]) await pushBlob(b);
      const image = anImageManifest(config, [layer]);
      imageDigest = digestOf(image);
      const imagePush = await put("/v2/art/manifests/v1", image, mediaTypes.dockerManifest);
      assert.equal(imagePush.status, 201);
      assert.equal(imagePush.headers.get("oci-subject"), null);
      const artifact = anArtifact("application/vnd.example.sig", imageDigest, sig);
      sigDigest = digestOf(artifact);
      const pushed = await put(`/v2/art/manifests/${sigDigest}`, artifact, mediaTypes.ociManifest);
      assert.equal(pushed.status, 201);
      assert.equal(pushed.headers.get("oci-subject"), imageDigest, "a manifest with a subject is acknowledged with OCI-Subject");
    });
    after(async () => {
      await t.close();
    });

    it("answers an OCI index of the referrers", async () => {
      const res = await get(`/v2/art/referrers/${imageDigest}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), mediaTypes.ociIndex);
      assert.equal(res.headers.get("oci-filters-applied"), null);
      const index = (await res.json()) as { schemaVersion: number; mediaType: string; manifests: { digest: string; artifactType: string }[] };
      assert.equal(index.schemaVersion, 2);
      assert.equal(index.mediaType, mediaTypes.ociIndex);
      assert.deepEqual(index.manifests.map((m) => [m.digest, m.artifactType]), [[sigDigest, "application/vnd.example.sig"]]);
    });

    it("applies the artifactType filter and says so", async () => {
      const res = await get(`/v2/art/referrers/${imageDigest}?artifactType=application/vnd.other`);
      assert.equal(res.headers.get("oci-filters-applied"), "artifactType");
      assert.deepEqual(((await res.json()) as { manifests: unknown[] }).manifests, []);
    });

    it("answers an empty index (not 404) for a digest nobody refers to, 400 for a malformed digest, 404 for an unknown repository", async () => {
      const none = await get(`/v2/art/referrers/${digestOf(Buffer.from("nobody"))}`);
      assert.equal(none.status, 200);
      assert.deepEqual(((await none.json()) as { manifests: unknown[] }).manifests, []);
      assert.equal((await get("/v2/art/referrers/sha256:nothex")).status, 400);
      assert.equal((await get(`/v2/missing/referrers/${imageDigest}`)).status, 404);
    });
  });
}
