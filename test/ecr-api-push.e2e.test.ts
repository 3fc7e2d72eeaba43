import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BatchCheckLayerAvailabilityCommand,
  BatchGetImageCommand,
  CompleteLayerUploadCommand,
  CreateRepositoryCommand,
  ECRClient,
  GetDownloadUrlForLayerCommand,
  InitiateLayerUploadCommand,
  PutImageCommand,
  UploadLayerPartCommand,
} from "@aws-sdk/client-ecr";
import { BerthServer } from "./support/berth-server.js";
import { refusal } from "./support/refusal.js";
import { registryAuthorization, sha256 } from "./support/registry-http.js";
import { testSdkRetry } from "./support/sdk-retry.js";

/**
 * The ECR API's push path against a real server, through the SDK v3 and the AWS CLI: layers
 * uploaded in parts, an image put, and what was pushed served by the registry's `/v2/` API (the same
 * blob store) and by GetDownloadUrlForLayer's URL.
 */
describe("ECR API push path (SDK and CLI, real server)", () => {
  let server: BerthServer;
  let ecr: ECRClient;
  let dir = "";
  let basic = "";
  const layer = randomBytes(1_300_000);
  const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [sha256(layer)] }, config: {} }));

  before(async () => {
    server = await BerthServer.start();
    ecr = new ECRClient({ endpoint: server.endpoint, region: "us-east-1", credentials: server.accessKey, ...testSdkRetry });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "api/push" }));
    dir = mkdtempSync(join(tmpdir(), "berth-ecr-push-"));
    basic = await registryAuthorization(ecr);
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Uploads `bytes` through the SDK in the parts the server asks for; returns the digest it completed. */
  async function pushLayer(bytes: Buffer): Promise<string> {
    const { uploadId, partSize } = await ecr.send(new InitiateLayerUploadCommand({ repositoryName: "api/push" }));
    assert.ok(uploadId && partSize && partSize > 0);
    for (let first = 0; first < bytes.length; first += partSize) {
      const part = bytes.subarray(first, Math.min(bytes.length, first + partSize));
      const out: { lastByteReceived?: number } = await ecr.send(new UploadLayerPartCommand({ repositoryName: "api/push", uploadId, partFirstByte: first, partLastByte: first + part.length - 1, layerPartBlob: part }));
      assert.equal(out.lastByteReceived, first + part.length - 1);
    }
    const done = await ecr.send(new CompleteLayerUploadCommand({ repositoryName: "api/push", uploadId, layerDigests: [sha256(bytes)] }));
    return done.layerDigest ?? "";
  }

  it("pushes a layer in parts and a config (SDK), puts the image, and /v2/ serves every byte", async () => {
    assert.equal(await pushLayer(layer), sha256(layer));
    assert.equal(await pushLayer(config), sha256(config));
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.docker.distribution.manifest.v2+json",
      config: { mediaType: "application/vnd.docker.container.image.v1+json", size: config.length, digest: sha256(config) },
      layers: [{ mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", size: layer.length, digest: sha256(layer) }],
    });
    await ecr.send(new PutImageCommand({ repositoryName: "api/push", imageTag: "v1", imageManifest: manifest }));
    const got = await ecr.send(new BatchGetImageCommand({ repositoryName: "api/push", imageIds: [{ imageTag: "v1" }] }));
    assert.equal(got.images?.[0]?.imageManifest, manifest);

    const blob = await fetch(`${server.endpoint}/v2/api/push/blobs/${sha256(layer)}`, { headers: { authorization: basic } });
    assert.equal(blob.status, 200);
    assert.ok(Buffer.from(await blob.arrayBuffer()).equals(layer));
  });

  it("GetDownloadUrlForLayer gives a URL that serves the layer without credentials, and only that layer", async () => {
    const { downloadUrl, layerDigest } = await ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName: "api/push", layerDigest: sha256(layer) }));
    assert.equal(layerDigest, sha256(layer));
    const res = await fetch(downloadUrl ?? "");
    assert.equal(res.status, 200);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(layer));
    const other = await fetch((downloadUrl ?? "").replace(sha256(layer), sha256(config)));
    assert.equal(other.status, 401, "the signature is for one blob");
    const missing = await refusal(ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName: "api/push", layerDigest: sha256(Buffer.from("nope")) })));
    assert.equal(missing.name, "LayersNotFoundException");
  });

  it("the CLI checks layer availability and uploads a layer from a file", async () => {
    const fresh = randomBytes(5000);
    const file = join(dir, "part.bin");
    writeFileSync(file, fresh);
    const init = await server.aws("ecr", "initiate-layer-upload", "--repository-name", "api/push");
    const { uploadId } = JSON.parse(init.stdout) as { uploadId: string };
    const part = await server.aws("ecr", "upload-layer-part", "--repository-name", "api/push", "--upload-id", uploadId, "--part-first-byte", "0", "--part-last-byte", String(fresh.length - 1), "--layer-part-blob", `fileb://${file}`);
    assert.equal(part.code, 0, part.stderr);
    const done = await server.aws("ecr", "complete-layer-upload", "--repository-name", "api/push", "--upload-id", uploadId, "--layer-digests", sha256(fresh));
    assert.equal((JSON.parse(done.stdout) as { layerDigest: string }).layerDigest, sha256(fresh), done.stderr);

    const check = await server.aws("ecr", "batch-check-layer-availability", "--repository-name", "api/push", "--layer-digests", sha256(fresh), sha256(Buffer.from("absent")), "not-a-digest");
    const out = JSON.parse(check.stdout) as { layers: { layerDigest: string; layerAvailability: string; layerSize: number }[]; failures: { layerDigest: string; failureCode: string }[] };
    assert.deepEqual(out.layers, [{ layerDigest: sha256(fresh), layerAvailability: "AVAILABLE", layerSize: 5000 }]);
    assert.deepEqual(out.failures.map((f) => f.failureCode), ["MissingLayerDigest", "InvalidLayerDigest"]);
  });

  it("refuses a part out of order, a wrong digest and an unknown upload, keeping the upload as it was", async () => {
    const { uploadId } = await ecr.send(new InitiateLayerUploadCommand({ repositoryName: "api/push" }));
    const bytes = randomBytes(100);
    const skipped = await refusal(ecr.send(new UploadLayerPartCommand({ repositoryName: "api/push", uploadId, partFirstByte: 10, partLastByte: 109, layerPartBlob: bytes })));
    assert.equal(skipped.name, "InvalidLayerPartException");
    const lengths = await refusal(ecr.send(new UploadLayerPartCommand({ repositoryName: "api/push", uploadId, partFirstByte: 0, partLastByte: 50, layerPartBlob: bytes })));
    assert.equal(lengths.name, "InvalidLayerPartException");
    const ok = await ecr.send(new UploadLayerPartCommand({ repositoryName: "api/push", uploadId, partFirstByte: 0, partLastByte: 99, layerPartBlob: bytes }));
    assert.equal(ok.lastByteReceived, 99);
    const wrong = await refusal(ecr.send(new CompleteLayerUploadCommand({ repositoryName: "api/push", uploadId, layerDigests: [sha256(Buffer.from("other"))] })));
    assert.equal(wrong.name, "InvalidLayerException");
    const unknown = await refusal(ecr.send(new UploadLayerPartCommand({ repositoryName: "api/push", uploadId: "no-such-upload", partFirstByte: 0, partLastByte: 99, layerPartBlob: bytes })));
    assert.equal(unknown.name, "UploadNotFoundException");
    const empty = await ecr.send(new InitiateLayerUploadCommand({ repositoryName: "api/push" }));
    const nothing = await refusal(ecr.send(new CompleteLayerUploadCommand({ repositoryName: "api/push", uploadId: empty.uploadId, layerDigests: [sha256(Buffer.alloc(0))] })));
    assert.equal(nothing.name, "EmptyUploadException");
    const available = await ecr.send(new BatchCheckLayerAvailabilityCommand({ repositoryName: "api/push", layerDigests: [sha256(bytes)] }));
    assert.equal(available.layers?.length, 0, "a refused completion makes no layer");
  });
});
