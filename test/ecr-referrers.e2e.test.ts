import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateRepositoryCommand, ECRClient, ListImageReferrersCommand } from "@aws-sdk/client-ecr";
import { BerthServer } from "./support/berth-server.js";
import { refusal } from "./support/refusal.js";
import { ociManifest, registryAuthorization, sha256, v2Repository } from "./support/registry-http.js";
import { testSdkRetry } from "./support/sdk-retry.js";

const sigType = "application/vnd.dev.cosign.simplesigning.v1+json";
const sbomType = "application/spdx+json";

/**
 * Issue 20, ListImageReferrers: an image and OCI artifacts whose `subject` names it, pushed through
 * `/v2/` in eu-west-1 (not the server's home region), listed by the SDK v3's ListImageReferrers
 * with its artifactType and artifactStatus filters and pages, and by the OCI referrers endpoint.
 * The CLI 2.9 has no list-image-referrers command.
 */
describe("ECR ListImageReferrers (SDK v3, real server, eu-west-1)", () => {
  let server: BerthServer;
  let ecr: ECRClient;
  let basic = "";
  const repo = "art/app";
  let imageDigest = "";
  const sigs: string[] = [];
  let sbom = "";

  const { v2, pushBlob, pushManifest } = v2Repository(repo, () => ({ endpoint: server.endpoint, authorization: basic }));
  async function pushArtifact(artifactType: string, payload: string): Promise<string> {
    const empty = Buffer.from("{}");
    const layer = Buffer.from(payload);
    await pushBlob(empty);
    await pushBlob(layer);
    return pushManifest({
      schemaVersion: 2,
      mediaType: ociManifest,
      artifactType,
      config: { mediaType: "application/vnd.oci.empty.v1+json", size: empty.length, digest: sha256(empty) },
      layers: [{ mediaType: "application/octet-stream", size: layer.length, digest: sha256(layer) }],
      subject: { mediaType: ociManifest, size: 1, digest: imageDigest },
      annotations: { "org.opencontainers.image.created": "2026-11-29T00:00:00Z" },
    });
  }

  before(async () => {
    server = await BerthServer.start();
    ecr = new ECRClient({ endpoint: server.endpoint, region: "eu-west-1", credentials: server.accessKey, ...testSdkRetry });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: repo }));
    basic = await registryAuthorization(ecr);
    const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
    imageDigest = await pushManifest(
      { schemaVersion: 2, mediaType: ociManifest, config: { mediaType: "application/vnd.oci.image.config.v1+json", size: config.length, digest: await pushBlob(config) }, layers: [] },
      "v1",
    );
    for (let i = 0; i < 3; i++) sigs.push(await pushArtifact(sigType, `signature ${i}`));
    sbom = await pushArtifact(sbomType, '{"spdxVersion":"SPDX-2.3"}');
  });
  after(async () => {
    await server.stop();
  });

  it("lists every referrer of the image, ACTIVE, with its type, size and annotations", async () => {
    const out = await ecr.send(new ListImageReferrersCommand({ repositoryName: repo, subjectId: { imageDigest } }));
    assert.deepEqual(out.referrers?.map((r) => r.digest).sort(), [...sigs, sbom].sort());
    const s = out.referrers?.find((r) => r.digest === sbom);
    assert.equal(s?.artifactType, sbomType);
    assert.equal(s?.mediaType, ociManifest);
    assert.equal(s?.artifactStatus, "ACTIVE");
    assert.ok((s?.size ?? 0) > 0);
    assert.deepEqual(s?.annotations, { "org.opencontainers.image.created": "2026-11-29T00:00:00Z" });
    assert.equal(out.nextToken, undefined);
  });

  it("filters by artifact type and status", async () => {
    const bySig = await ecr.send(new ListImageReferrersCommand({ repositoryName: repo, subjectId: { imageDigest }, filter: { artifactTypes: [sigType] } }));
    assert.deepEqual(bySig.referrers?.map((r) => r.digest).sort(), [...sigs].sort());
    const archived = await ecr.send(new ListImageReferrersCommand({ repositoryName: repo, subjectId: { imageDigest }, filter: { artifactStatus: "ARCHIVED" } }));
    assert.deepEqual(archived.referrers, []);
    const any = await ecr.send(new ListImageReferrersCommand({ repositoryName: repo, subjectId: { imageDigest }, filter: { artifactStatus: "ANY" } }));
    assert.equal(any.referrers?.length, 4);
  });

  it("pages with maxResults and nextToken, each referrer once", async () => {
    const seen: string[] = [];
    let pages = 0;
    let nextToken: string | undefined;
    do {
      const page = await ecr.send(new ListImageReferrersCommand({ repositoryName: repo, subjectId: { imageDigest }, maxResults: 3, nextToken }));
      pages++;
      seen.push(...(page.referrers ?? []).map((r) => r.digest ?? ""));
      nextToken = page.nextToken;
    } while (nextToken !== undefined && pages < 10);
    assert.equal(pages, 2);
    assert.deepEqual(seen.sort(), [...sigs, sbom].sort());
  });

  it("refuses what ECR refuses, and finds no referrers of an image nobody refers to", async () => {
    const none = await ecr.send(new ListImageReferrersCommand({ repositoryName: repo, subjectId: { imageDigest: sha256(Buffer.from("x")) } }));
    assert.deepEqual(none.referrers, []);
    assert.equal((await refusal(ecr.send(new ListImageReferrersCommand({ repositoryName: "no/such", subjectId: { imageDigest } })))).name, "RepositoryNotFoundException");
    assert.equal((await refusal(ecr.send(new ListImageReferrersCommand({ repositoryName: repo, subjectId: { imageDigest: "v1" } })))).name, "InvalidParameterException");
    assert.equal((await refusal(ecr.send(new ListImageReferrersCommand({ repositoryName: repo, subjectId: { imageDigest }, maxResults: 51 })))).name, "InvalidParameterException");
  });

  it("the OCI referrers endpoint answers the same manifests; the home region's repository is another", async () => {
    const res = await v2(`referrers/${imageDigest}?artifactType=${encodeURIComponent(sbomType)}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/vnd.oci.image.index.v1+json");
    assert.equal(res.headers.get("oci-filters-applied"), "artifactType");
    const index: unknown = await res.json();
    assert.ok(typeof index === "object" && index !== null && "manifests" in index && Array.isArray(index.manifests));
    assert.deepEqual(index.manifests.map((m: { digest?: unknown }) => m.digest), [sbom]);
    const home = new ECRClient({ endpoint: server.endpoint, region: "us-east-1", credentials: server.accessKey, ...testSdkRetry });
    assert.equal((await refusal(home.send(new ListImageReferrersCommand({ repositoryName: repo, subjectId: { imageDigest } })))).name, "RepositoryNotFoundException");
  });
});
