import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { BatchGetImageCommand, CreateRepositoryCommand, DeleteRepositoryPolicyCommand, DescribeImagesCommand, SetRepositoryPolicyCommand } from "@aws-sdk/client-ecr";
import { clients, policyDoc, userWithPolicies } from "./support/iam-tools.js";
import { ociManifest, registryAuthorization, sha256, v2Repository } from "./support/registry-http.js";
import { Replicas } from "./support/replicas.js";
import { until } from "./support/until.js";

/**
 * The image registry on two `berth server` replicas of one PostgreSQL database: its metadata lives
 * in the database (registry/postgres-metadata.ts), its blobs in the data directory they share. What
 * one replica is told, the other serves and enforces.
 */
describe("ECR on two replicas sharing PostgreSQL", { timeout: 180_000 }, () => {
  let replicas: Replicas;
  before(async () => {
    replicas = await Replicas.start(2);
  });
  after(async () => {
    await replicas?.stop();
  });

  const pair = () => {
    const [a, b] = replicas.servers;
    return { a: a!, b: b! };
  };

  it("a repository made and an image pushed through one replica are listed and served by the other", async () => {
    const { a, b } = pair();
    const ecrA = clients(a).ecr;
    const ecrB = clients(b).ecr;
    await ecrA.send(new CreateRepositoryCommand({ repositoryName: "shared/app" }));
    const authorization = await registryAuthorization(ecrA);
    const viaA = v2Repository("shared/app", () => ({ endpoint: a.endpoint, authorization }));
    const layer = randomBytes(100_000);
    const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [sha256(layer)] }, config: {} }));
    const manifest = {
      schemaVersion: 2,
      mediaType: ociManifest,
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: await viaA.pushBlob(config), size: config.length },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: await viaA.pushBlob(layer), size: layer.length }],
    };
    const digest = await viaA.pushManifest(manifest, "v1");

    const described = await ecrB.send(new DescribeImagesCommand({ repositoryName: "shared/app" }));
    assert.deepEqual(
      described.imageDetails?.map((d) => [d.imageDigest, d.imageTags]),
      [[digest, ["v1"]]],
    );
    // B's own password (the replicas share the token secret) opens B's /v2/ onto what A was sent.
    const viaB = v2Repository("shared/app", () => ({ endpoint: b.endpoint, authorization }));
    const pulled = await viaB.v2("manifests/v1", { headers: { accept: ociManifest } });
    assert.equal(pulled.status, 200);
    assert.equal(sha256(Buffer.from(await pulled.arrayBuffer())), digest);
    const blob = await viaB.v2(`blobs/${sha256(layer)}`);
    assert.equal(blob.status, 200);
    assert.ok(Buffer.from(await blob.arrayBuffer()).equals(layer));
  });

  it("a repository policy set or deleted through one replica is enforced by the other at once, though it had the policy cached", async () => {
    const { a, b } = pair();
    const creds = await userWithPolicies(a, "puller", { all: policyDoc({ Effect: "Allow", Action: "ecr:*", Resource: "*" }) });
    const asUserOnB = clients(b, creds).ecr;
    const get = () => asUserOnB.send(new BatchGetImageCommand({ repositoryName: "shared/app", imageIds: [{ imageTag: "v1" }] }));
    // B reads (and caches) the repository's policy: none. IAM's user may take a moment to reach B.
    await until("the user allowed on B", () => get().then((r) => (r.images?.length === 1 ? true : undefined)), { timeoutMs: 10_000 });

    const ecrA = clients(a).ecr;
    const account = (await ecrA.send(new DescribeImagesCommand({ repositoryName: "shared/app" }))).imageDetails?.[0]?.registryId ?? "";
    const deny = policyDoc({ Effect: "Deny", Principal: { AWS: `arn:aws:iam::${account}:user/puller` }, Action: "ecr:BatchGetImage" });
    await ecrA.send(new SetRepositoryPolicyCommand({ repositoryName: "shared/app", policyText: deny }));
    const refused = await until(
      "B refusing the user",
      () => get().then(
        () => undefined,
        (err: unknown) => err,
      ),
      { timeoutMs: 5_000, everyMs: 50 },
    );
    assert.ok(refused instanceof Error && refused.name === "AccessDeniedException", String(refused));
    assert.match(refused.message, /with an explicit deny in a resource-based policy/);

    await ecrA.send(new DeleteRepositoryPolicyCommand({ repositoryName: "shared/app" }));
    await until("B allowing the user again", () => get().then((r) => (r.images?.length === 1 ? true : undefined)), { timeoutMs: 5_000, everyMs: 50 });
  });
});
