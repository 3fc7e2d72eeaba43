import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRegistryCommand,
  DescribeReplicationBackfillResultsCommand,
  ECRClient,
  ListReplicationBackfillsCommand,
  PutReplicationConfigurationCommand,
  StartReplicationBackfillCommand,
  StopReplicationBackfillCommand,
} from "@aws-sdk/client-ecr";
import { BerthServer } from "./support/berth-server.js";
import { refusal } from "./support/refusal.js";
import { ociManifest, registryAuthorization, sha256, v2Repository } from "./support/registry-http.js";
import { until } from "./support/until.js";
import { testSdkRetry } from "./support/sdk-retry.js";

/**
 * Issue 20, replication backfills: an image pushed in us-east-1 before any replication rule is not
 * replicated; after the rule, StartReplicationBackfill copies it and eu-west-1 serves the same
 * digest through `/v2/`. With the SDK v3 (the CLI 2.9 has no backfill commands).
 */
describe("ECR replication backfill from us-east-1 to eu-west-1 (SDK v3, real server)", () => {
  let server: BerthServer;
  let use1: ECRClient;
  let euw1: ECRClient;
  let digest = "";
  let layer = Buffer.alloc(0);
  const repo = "team/old";
  let account = "";

  let auth = "";
  const { pushBlob, pushManifest } = v2Repository(repo, () => ({ endpoint: server.endpoint, authorization: auth }));

  before(async () => {
    server = await BerthServer.start();
    use1 = new ECRClient({ endpoint: server.endpoint, region: "us-east-1", credentials: server.accessKey, ...testSdkRetry });
    euw1 = new ECRClient({ endpoint: server.endpoint, region: "eu-west-1", credentials: server.accessKey, ...testSdkRetry });
    await use1.send(new CreateRepositoryCommand({ repositoryName: repo }));
    account = (await use1.send(new DescribeRegistryCommand({}))).registryId ?? "";
    auth = await registryAuthorization(use1);
    layer = Buffer.from("a layer pushed before replication existed");
    const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
    for (const b of [layer, config]) await pushBlob(b);
    digest = await pushManifest(
      {
        schemaVersion: 2,
        mediaType: ociManifest,
        config: { mediaType: "application/vnd.oci.image.config.v1+json", size: config.length, digest: sha256(config) },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", size: layer.length, digest: sha256(layer) }],
      },
      "v1",
    );
  });
  after(async () => {
    await server.stop();
  });

  it("refuses a backfill to a region the configuration does not name", async () => {
    const r = await refusal(use1.send(new StartReplicationBackfillCommand({ destination: { region: "eu-west-1", registryId: account } })));
    assert.equal(r.name, "InvalidParameterException");
    assert.match(r.message, /not a destination of the registry's replication configuration/);
  });

  it("backfills the image pushed before the rule; eu-west-1 then serves the same digest and layer", async () => {
    await use1.send(new PutReplicationConfigurationCommand({ replicationConfiguration: { rules: [{ destinations: [{ region: "eu-west-1", registryId: account }], repositoryFilters: [{ filter: "team/", filterType: "PREFIX_MATCH" }] }] } }));
    assert.equal((await refusal(euw1.send(new DescribeImagesCommand({ repositoryName: repo })))).name, "RepositoryNotFoundException", "the rule alone copies nothing pushed before it");

    const started = await use1.send(new StartReplicationBackfillCommand({ destination: { region: "eu-west-1", registryId: account } }));
    assert.ok(started.replicationBackfillId);
    assert.equal(started.destination?.region, "eu-west-1");
    assert.ok(started.startedAt instanceof Date);
    const id = started.replicationBackfillId;

    const done = await until("backfill complete", async () => {
      const d = await use1.send(new DescribeReplicationBackfillResultsCommand({ replicationBackfillId: id }));
      return d.status === "COMPLETE" ? d : undefined;
    });
    assert.deepEqual(done.progress, { totalReplicationCount: 1, completedReplicationCount: 1, failedReplicationCount: 0, failureCodes: [] });
    assert.deepEqual(done.results, [{ repositoryName: repo, imageId: { imageDigest: digest, imageTag: "v1" }, status: "COMPLETE" }]);
    assert.ok(done.endedAt instanceof Date);

    const got = await euw1.send(new BatchGetImageCommand({ repositoryName: repo, imageIds: [{ imageTag: "v1" }] }));
    assert.equal(got.images?.[0]?.imageId?.imageDigest, digest);
    const pulled = await fetch(`${server.endpoint}/v2/${repo}/blobs/${sha256(layer)}`, { headers: { authorization: await registryAuthorization(euw1) } });
    assert.equal(pulled.status, 200);
    assert.ok(Buffer.from(await pulled.arrayBuffer()).equals(layer));

    const listed = await use1.send(new ListReplicationBackfillsCommand({}));
    assert.deepEqual(listed.backfills?.map((b) => [b.replicationBackfillId, b.status, b.destination?.region]), [[id, "COMPLETE", "eu-west-1"]]);
    assert.equal((await euw1.send(new ListReplicationBackfillsCommand({}))).backfills?.length, 0, "backfills belong to the source region");

    const again = await refusal(use1.send(new StopReplicationBackfillCommand({ replicationBackfillId: id })));
    assert.equal(again.name, "ReplicationBackfillInvalidStatusException");
    assert.equal((await refusal(use1.send(new DescribeReplicationBackfillResultsCommand({ replicationBackfillId: "no-such-backfill" })))).name, "ReplicationBackfillNotFoundException");
    assert.equal((await refusal(use1.send(new ListReplicationBackfillsCommand({ maxResults: 51 })))).name, "InvalidParameterException", "ListReplicationBackfills pages hold 1 to 50");
  });
});
