import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { BerthServer } from "./support/berth-server.js";
import { RegistryTools } from "./support/registry-tools.js";
import { until } from "./support/until.js";


describe("ECR lifecycle policy and garbage collection", () => {
  let server: BerthServer;
  let tools: RegistryTools;
  before(async () => {
    // Maintenance every half second; unreferenced blobs survive 3 s (a push's layers precede its manifest).
    server = await BerthServer.start(undefined, ["--registry-gc-interval", "500ms", "--registry-blob-grace", "3s"]);
    tools = new RegistryTools(server);
  });
  after(async () => {
    await tools.cleanUp();
    await server.stop();
  });

  const blobFile = (digest: string) => {
    const hex = digest.slice("sha256:".length);
    return join(server.dataDir, "registry", "blobs", "sha256", hex.slice(0, 2), hex);
  };

  async function manifestBlobs(digest: string): Promise<string[]> {
    const r = await server.aws("ecr", "batch-get-image", "--repository-name", "lc", "--image-ids", `imageDigest=${digest}`);
    assert.equal(r.code, 0, r.stderr);
    const [image] = (JSON.parse(r.stdout) as { images: { imageManifest: string }[] }).images;
    const m = JSON.parse(image?.imageManifest ?? "{}") as { config: { digest: string }; layers: { digest: string }[] };
    return [m.config.digest, ...m.layers.map((l) => l.digest)];
  }

  async function untagged(): Promise<string[]> {
    const r = await server.aws("ecr", "list-images", "--repository-name", "lc", "--filter", "tagStatus=UNTAGGED");
    return (JSON.parse(r.stdout) as { imageIds: { imageDigest: string }[] }).imageIds.map((i) => i.imageDigest).sort();
  }

  it("expires untagged images beyond the newest one, and GC then removes their blobs from disk", async () => {
    assert.equal((await server.aws("ecr", "create-repository", "--repository-name", "lc")).code, 0);
    assert.equal((await tools.login()).code, 0);
    const ref = `${tools.host}/lc:latest`;
    // Three distinct images pushed to one tag: the first two end up untagged.
    const digests: string[] = [];
    for (let i = 0; i < 3; i++) {
      const name = `berth-ecr-lc-e2e-${i}:${Date.now()}`;
      await tools.randomImage(name, 64 * 1024);
      await tools.tag(name, ref);
      const push = await tools.docker(["push", ref]);
      assert.equal(push.code, 0, push.stderr);
      digests.push(/digest: (sha256:[0-9a-f]{64})/.exec(push.stdout)![1]!);
    }
    const [oldest, middle, newest] = digests as [string, string, string];
    assert.deepEqual(await untagged(), [oldest, middle].sort());
    const doomed = await manifestBlobs(oldest);
    const kept = [...(await manifestBlobs(middle)), ...(await manifestBlobs(newest))];
    for (const d of [...doomed, ...kept]) assert.ok(existsSync(blobFile(d)), `blob ${d} on disk after the push`);

    const policy = JSON.stringify({
      rules: [{ rulePriority: 1, description: "one untagged", selection: { tagStatus: "untagged", countType: "imageCountMoreThan", countNumber: 1 }, action: { type: "expire" } }],
    });
    const put = await server.aws("ecr", "put-lifecycle-policy", "--repository-name", "lc", "--lifecycle-policy-text", policy);
    assert.equal(put.code, 0, put.stderr);

    await until("the policy applied and the blobs collected", async () => (!doomed.some((d) => existsSync(blobFile(d))) && (await untagged()).length === 1) || undefined, { timeoutMs: 20_000, everyMs: 250 });
    assert.deepEqual(await untagged(), [middle]);
    for (const d of doomed) assert.equal(existsSync(blobFile(d)), false, `blob ${d} removed`);
    for (const d of kept) assert.ok(existsSync(blobFile(d)), `blob ${d} still referenced`);

    const listed = await server.aws("ecr", "list-images", "--repository-name", "lc", "--filter", "tagStatus=TAGGED");
    assert.deepEqual(JSON.parse(listed.stdout), { imageIds: [{ imageDigest: newest, imageTag: "latest" }] });
  });
});
