import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../errors/catalog.js";
import { checkPassword } from "../../registry/auth-token.js";
import { mediaTypes } from "../../registry/manifest.js";
import { pushOneLayerImage, startTestRegistry, type TestRegistry } from "../../registry/testing.js";
import { eachRegistryMetadata } from "../../../test/support/each-store.js";
import type { JsonService } from "../aws-json/service.js";
import { validateShape } from "../aws-json/validate-shape.js";
import { ecrService } from "./service.js";
import { Replicator } from "../../registry/replication/replicator.js";
import { pino } from "pino";
import { rootPrincipal } from "../../auth/principal.js";

/**
 * The ECR operation table in process: each call goes through the SDK schema check the dispatcher
 * applies, then the handler, as a signed request would.
 */
const partition = { region: "us-east-1", accountId: "123456789012" };
const secret = Buffer.alloc(32, 7);
let reg: TestRegistry;
let service: JsonService;
const nowMs = Date.parse("2026-03-01T00:00:00Z");

function call(op: string, input: object): Promise<Record<string, unknown>> {
  const operation = service.operations[op];
  if (!operation) throw new Error(`no operation ${op}`);
  const ctx = { requestId: "r", principal: rootPrincipal(partition, "AKIA"), nowMs, partition };
  return operation.handle(validateShape(operation.input, JSON.parse(JSON.stringify(input))), ctx).then((o) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>);
}

async function rejectsWith(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof AwsError && e.code === code && (message === undefined || message.test(e.message)));
}

/** Pushes a one-layer image (distinct per `seed`) into `repo` as the distribution API would. */
const pushImage = (repo: string, seed: string, tag?: string): Promise<string> => pushOneLayerImage(reg.registry, repo, seed, tag);

for (const metadata of eachRegistryMetadata()) {
  describe(`ECR on ${metadata.name}`, () => {
    before(async () => {
      reg = await startTestRegistry({ metadata: metadata.open });
      // One table per registry, as the server keeps one: previews live in it.
      const replicator = new Replicator({ registry: reg.registry, destination: () => Promise.reject(new Error("no other region here")), now: () => nowMs, logger: pino({ level: "silent" }) });
      service = ecrService({ registry: reg.registry, replicator, tokenSecret: secret, registryAddress: () => "127.0.0.1:4400" });
    });
    after(() => reg.close());

    describe("ECR repositories", () => {
      it("creates a repository with ECR's shape: ARN, URI on the server's host:port, mutability, tags", async () => {
        const out = await call("CreateRepository", { repositoryName: "team/web", imageTagMutability: "IMMUTABLE", tags: [{ Key: "env", Value: "dev" }] });
        assert.deepEqual(out.repository, {
          repositoryArn: "arn:aws:ecr:us-east-1:123456789012:repository/team/web",
          registryId: "123456789012",
          repositoryName: "team/web",
          repositoryUri: "127.0.0.1:4400/team/web",
          createdAt: new Date(nowMs).toISOString(),
          imageTagMutability: "IMMUTABLE",
          imageScanningConfiguration: { scanOnPush: false },
        });
        const tags = await call("ListTagsForResource", { resourceArn: "arn:aws:ecr:us-east-1:123456789012:repository/team/web" });
        assert.deepEqual(tags.tags, [{ Key: "env", Value: "dev" }]);
      });

      const badNames: [string, RegExp][] = [
        ["a", /length greater than or equal to 2/],
        ["Hello", /must satisfy regular expression/],
        ["trailing/", /must satisfy regular expression/],
        ["-dash", /must satisfy regular expression/],
        ["x".repeat(257), /length less than or equal to 256/],
      ];
      for (const [name, why] of badNames) {
        it(`refuses the repository name '${name.slice(0, 20)}' with ECR's constraint`, () => rejectsWith(call("CreateRepository", { repositoryName: name }), "InvalidParameterException", why));
      }

      it("refuses a second repository of one name, bad tags and unsupported settings", async () => {
        await call("CreateRepository", { repositoryName: "dup" });
        await rejectsWith(call("CreateRepository", { repositoryName: "dup" }), "RepositoryAlreadyExistsException", /'dup' already exists in the registry with id '123456789012'/);
        await rejectsWith(call("CreateRepository", { repositoryName: "t1", tags: [{ Key: "aws:x", Value: "v" }] }), "InvalidTagParameterException");
        const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
        await rejectsWith(call("CreateRepository", { repositoryName: "t2", tags: many }), "TooManyTagsException");
        await rejectsWith(call("CreateRepository", { repositoryName: "t3", imageTagMutability: "SOMETIMES" }), "InvalidParameterException");
        await rejectsWith(call("CreateRepository", { repositoryName: "t4", encryptionConfiguration: { encryptionType: "KMS" } }), "InvalidParameterException");
        await rejectsWith(call("DescribeRepositories", { repositoryNames: ["t1"] }), "RepositoryNotFoundException");
      });

      it("describes named repositories, fails on a missing one, and pages the whole list", async () => {
        for (const n of ["page-a", "page-b", "page-c"]) await call("CreateRepository", { repositoryName: n });
        await rejectsWith(call("DescribeRepositories", { repositoryNames: ["page-a", "nope"] }), "RepositoryNotFoundException", /'nope' does not exist/);
        const names: string[] = [];
        let nextToken: unknown;
        do {
          const out = await call("DescribeRepositories", { maxResults: 2, ...(typeof nextToken === "string" && { nextToken }) });
          const repos = out.repositories as { repositoryName: string }[];
          assert.ok(repos.length <= 2);
          names.push(...repos.map((r) => r.repositoryName));
          nextToken = out.nextToken;
        } while (nextToken !== undefined);
        assert.deepEqual(names, [...names].sort());
        for (const n of ["page-a", "page-b", "page-c"]) assert.ok(names.includes(n));
        const other = await call("DescribeRepositories", { registryId: "999999999999" });
        assert.deepEqual(other.repositories, []);
      });

      it("deletes an empty repository; refuses one with images unless forced", async () => {
        await call("CreateRepository", { repositoryName: "full" });
        await pushImage("full", "full-1", "v1");
        await rejectsWith(call("DeleteRepository", { repositoryName: "full" }), "RepositoryNotEmptyException", /cannot be deleted because it still contains images/);
        const out = await call("DeleteRepository", { repositoryName: "full", force: true });
        assert.equal((out.repository as { repositoryName: string }).repositoryName, "full");
        await rejectsWith(call("DeleteRepository", { repositoryName: "full" }), "RepositoryNotFoundException");
      });

      it("changes tag mutability, and refuses the exclusion variants Berth does not support", async () => {
        await call("CreateRepository", { repositoryName: "mut" });
        assert.deepEqual(await call("PutImageTagMutability", { repositoryName: "mut", imageTagMutability: "IMMUTABLE" }), {
          registryId: "123456789012",
          repositoryName: "mut",
          imageTagMutability: "IMMUTABLE",
        });
        await rejectsWith(call("PutImageTagMutability", { repositoryName: "mut", imageTagMutability: "IMMUTABLE_WITH_EXCLUSION" }), "InvalidParameterException");
        await rejectsWith(call("PutImageTagMutability", { repositoryName: "absent", imageTagMutability: "MUTABLE" }), "RepositoryNotFoundException");
      });

      it("tags and untags a repository by ARN", async () => {
        await call("CreateRepository", { repositoryName: "tagged", tags: [{ Key: "a", Value: "1" }] });
        const arn = "arn:aws:ecr:us-east-1:123456789012:repository/tagged";
        await call("TagResource", { resourceArn: arn, tags: [{ Key: "a", Value: "2" }, { Key: "b", Value: "3" }] });
        await call("UntagResource", { resourceArn: arn, tagKeys: ["b"] });
        assert.deepEqual((await call("ListTagsForResource", { resourceArn: arn })).tags, [{ Key: "a", Value: "2" }]);
        await rejectsWith(call("ListTagsForResource", { resourceArn: "not-an-arn" }), "InvalidParameterException");
        await rejectsWith(call("ListTagsForResource", { resourceArn: "arn:aws:ecr:us-east-1:123456789012:repository/none" }), "RepositoryNotFoundException");
      });
    });

    describe("ECR images", () => {
      let tagged = "";
      let untagged: string[] = [];
      before(async () => {
        await call("CreateRepository", { repositoryName: "imgs" });
        tagged = await pushImage("imgs", "t", "latest");
        untagged = [await pushImage("imgs", "u1"), await pushImage("imgs", "u2"), await pushImage("imgs", "u3")];
      });

      it("lists images by tag status and pages through them with nextToken", async () => {
        const t = await call("ListImages", { repositoryName: "imgs", filter: { tagStatus: "TAGGED" } });
        assert.deepEqual(t.imageIds, [{ imageDigest: tagged, imageTag: "latest" }]);
        const seen: string[] = [];
        let nextToken: unknown;
        do {
          const out = await call("ListImages", { repositoryName: "imgs", filter: { tagStatus: "UNTAGGED" }, maxResults: 2, ...(typeof nextToken === "string" && { nextToken }) });
          seen.push(...(out.imageIds as { imageDigest: string }[]).map((i) => i.imageDigest));
          nextToken = out.nextToken;
        } while (nextToken !== undefined);
        assert.deepEqual(seen.sort(), [...untagged].sort());
        await rejectsWith(call("ListImages", { repositoryName: "imgs", filter: { tagStatus: "SOME" } }), "InvalidParameterException");
        await rejectsWith(call("ListImages", { repositoryName: "imgs", maxResults: 1001 }), "InvalidParameterException");
        await rejectsWith(call("ListImages", { repositoryName: "nope" }), "RepositoryNotFoundException");
      });

      it("describes images, refusing an unknown one with ImageNotFoundException", async () => {
        const out = await call("DescribeImages", { repositoryName: "imgs", imageIds: [{ imageTag: "latest" }] });
        const [d] = out.imageDetails as { imageDigest: string; imageTags: string[]; imagePushedAt: string }[];
        assert.equal(d?.imageDigest, tagged);
        assert.deepEqual(d?.imageTags, ["latest"]);
        await rejectsWith(call("DescribeImages", { repositoryName: "imgs", imageIds: [{ imageTag: "gone" }] }), "ImageNotFoundException");
        const all = await call("DescribeImages", { repositoryName: "imgs" });
        assert.equal((all.imageDetails as unknown[]).length, 4);
      });

      it("gets manifests in a batch with a failure per unknown identifier", async () => {
        const out = await call("BatchGetImage", { repositoryName: "imgs", imageIds: [{ imageTag: "latest" }, { imageTag: "missing" }] });
        const [img] = out.images as { imageManifest: string; imageManifestMediaType: string }[];
        assert.equal(img?.imageManifestMediaType, mediaTypes.dockerManifest);
        assert.deepEqual(out.failures, [{ imageId: { imageTag: "missing" }, failureCode: "ImageNotFound", failureReason: "Requested image not found" }]);
      });

      it("deletes images in a batch, reporting each failure beside the successes", async () => {
        const out = await call("BatchDeleteImage", { repositoryName: "imgs", imageIds: [{ imageDigest: untagged[0] }, { imageTag: "nope" }] });
        assert.deepEqual(out.imageIds, [{ imageDigest: untagged[0] }]);
        assert.deepEqual((out.failures as { failureCode: string }[]).map((f) => f.failureCode), ["ImageNotFound"]);
        await rejectsWith(call("BatchDeleteImage", { repositoryName: "imgs", imageIds: [] }), "InvalidParameterException");
      });
    });

    describe("ECR lifecycle policies", () => {
      const untaggedBeyondOne = JSON.stringify({
        rules: [{ rulePriority: 1, selection: { tagStatus: "untagged", countType: "imageCountMoreThan", countNumber: 1 }, action: { type: "expire" } }],
      });

      it("puts, gets and deletes a policy; refuses an invalid one with ECR's wrapping", async () => {
        await call("CreateRepository", { repositoryName: "lc" });
        await rejectsWith(call("GetLifecyclePolicy", { repositoryName: "lc" }), "LifecyclePolicyNotFoundException", /does not exist for the repository with name 'lc'/);
        await rejectsWith(call("PutLifecyclePolicy", { repositoryName: "lc", lifecyclePolicyText: "{}" }), "InvalidParameterException", /Lifecycle policy validation failure/);
        const put = await call("PutLifecyclePolicy", { repositoryName: "lc", lifecyclePolicyText: untaggedBeyondOne });
        assert.equal(put.lifecyclePolicyText, untaggedBeyondOne);
        assert.equal((await call("GetLifecyclePolicy", { repositoryName: "lc" })).lifecyclePolicyText, untaggedBeyondOne);
        await call("DeleteLifecyclePolicy", { repositoryName: "lc" });
        await rejectsWith(call("DeleteLifecyclePolicy", { repositoryName: "lc" }), "LifecyclePolicyNotFoundException");
      });

      it("previews what a policy would expire without expiring it", async () => {
        await call("CreateRepository", { repositoryName: "pv" });
        await rejectsWith(call("GetLifecyclePolicyPreview", { repositoryName: "pv" }), "LifecyclePolicyPreviewNotFoundException");
        await rejectsWith(call("StartLifecyclePolicyPreview", { repositoryName: "pv" }), "LifecyclePolicyNotFoundException");
        reg.clock.now = nowMs - 3000;
        const oldest = await pushImage("pv", "p1");
        reg.clock.now = nowMs - 2000;
        await pushImage("pv", "p2");
        const started = await call("StartLifecyclePolicyPreview", { repositoryName: "pv", lifecyclePolicyText: untaggedBeyondOne });
        assert.equal(started.status, "IN_PROGRESS");
        const preview = await call("GetLifecyclePolicyPreview", { repositoryName: "pv" });
        assert.equal(preview.status, "COMPLETE");
        assert.deepEqual((preview.previewResults as { imageDigest: string }[]).map((r) => r.imageDigest), [oldest]);
        assert.deepEqual(preview.summary, { expiringImageTotalCount: 1 });
        assert.equal((await call("ListImages", { repositoryName: "pv" }) as { imageIds: unknown[] }).imageIds.length, 2);
      });
    });

    describe("GetAuthorizationToken", () => {
      it("returns base64 'AWS:<password>' valid for 12 hours, and the registry's proxy endpoint", async () => {
        const out = await call("GetAuthorizationToken", {});
        const [data] = out.authorizationData as { authorizationToken: string; expiresAt: string; proxyEndpoint: string }[];
        assert.equal(data?.proxyEndpoint, "http://127.0.0.1:4400");
        assert.equal(Date.parse(data?.expiresAt ?? ""), nowMs + 12 * 3_600_000);
        const [user, password] = Buffer.from(data?.authorizationToken ?? "", "base64").toString("utf8").split(":");
        assert.equal(user, "AWS");
        // Good only in the region that issued it.
        assert.deepEqual(checkPassword(secret, password ?? "", nowMs + 12 * 3_600_000 - 1), { ok: true, expiresAtMs: nowMs + 12 * 3_600_000, principal: "arn:aws:iam::123456789012:root", region: "us-east-1" });
        assert.deepEqual(checkPassword(secret, password ?? "", nowMs + 12 * 3_600_000), { ok: false, reason: "expired" });
      });
    });
  });
}
