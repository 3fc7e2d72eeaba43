import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { text } from "node:stream/consumers";
import { pino } from "pino";
import { AwsError } from "../../errors/catalog.js";
import { putImage } from "../ecr-image-writes.js";
import { aBlob, anImageManifest, pushOneLayerImage, startTestRegistry, uploadBlobs, type TestRegistry } from "../testing.js";
import { eachRegistryMetadata } from "../../../test/support/each-store.js";
import { checkReplication, destinationsFor, parseStoredReplication, storedReplication, toEcrReplication } from "./config.js";
import { Replicator } from "./replicator.js";
import { templateFor, type CreationTemplate } from "../creation-templates.js";

const home = { region: "us-east-1", accountId: "123456789012" };
const dest = (region: string, registryId = home.accountId) => ({ region, registryId });

describe("replication configuration", () => {
  const refusals: [string, Parameters<typeof checkReplication>[0], RegExp][] = [
    ["the source's own region", { rules: [{ destinations: [dest("us-east-1")] }] }, /cannot be the source registry's own region/],
    ["another account", { rules: [{ destinations: [dest("eu-west-1", "210987654321")] }] }, /cross-account replication to '210987654321' is not supported/],
    ["a region AWS does not have", { rules: [{ destinations: [dest("xx-nowhere-1")] }] }, /'xx-nowhere-1' is not a region/],
    ["a rule without destinations", { rules: [{ destinations: [] }] }, /destinations' failed to satisfy constraint/],
    ["a region twice in one rule", { rules: [{ destinations: [dest("eu-west-1"), dest("eu-west-1")] }] }, /named more than once/],
    ["a filter type other than PREFIX_MATCH", { rules: [{ destinations: [dest("eu-west-1")], repositoryFilters: [{ filter: "ab", filterType: "EXACT" as "PREFIX_MATCH" }] }] }, /must be PREFIX_MATCH/],
    ["a filter that is no name prefix", { rules: [{ destinations: [dest("eu-west-1")], repositoryFilters: [{ filter: "Upper!", filterType: "PREFIX_MATCH" }] }] }, /is not a repository name prefix/],
    ["eleven rules", { rules: Array.from({ length: 11 }, () => ({ destinations: [dest("eu-west-1")] })) }, /less than or equal to 10/],
  ];
  for (const [what, config, message] of refusals) {
    it(`refuses ${what} with InvalidParameterException`, () => {
      assert.throws(() => checkReplication(config, home), (e: unknown) => e instanceof AwsError && e.code === "InvalidParameterException" && message.test(e.message));
    });
  }

  it("matches repositories by prefix (no filter: every repository), each region once, and round-trips through storage and ECR's shape", () => {
    const config = {
      rules: [
        { destinations: [dest("eu-west-1")], repositoryFilters: [{ filter: "team/", filterType: "PREFIX_MATCH" as const }] },
        { destinations: [dest("eu-west-1"), dest("ap-south-1")], repositoryFilters: [{ filter: "team/web", filterType: "PREFIX_MATCH" as const }] },
        { destinations: [dest("ca-central-1")] },
      ],
    };
    const checked = checkReplication(config, home);
    assert.deepEqual(destinationsFor(checked, "team/web-api"), ["eu-west-1", "ap-south-1", "ca-central-1"]);
    assert.deepEqual(destinationsFor(checked, "team/db"), ["eu-west-1", "ca-central-1"]);
    assert.deepEqual(destinationsFor(checked, "other"), ["ca-central-1"]);
    assert.deepEqual(parseStoredReplication(storedReplication(checked)), checked);
    assert.deepEqual(toEcrReplication(checked, home.accountId), config);
    assert.deepEqual(parseStoredReplication(undefined), { rules: [] });
  });
});

for (const metadata of eachRegistryMetadata()) {
  describe(`Replicator on ${metadata.name}`, () => {
    let source: TestRegistry;
    let target: TestRegistry;
    let replicator: Replicator;

    before(async () => {
      source = await startTestRegistry({ metadata: metadata.open });
      target = await startTestRegistry({ metadata: metadata.open });
      replicator = new Replicator({ registry: source.registry, destination: (r) => (r === "eu-west-1" ? Promise.resolve(target.registry) : Promise.reject(new Error(`no ${r}`))), now: () => 0, logger: pino({ level: "silent" }) });
      const config = checkReplication({ rules: [{ destinations: [dest("eu-west-1")], repositoryFilters: [{ filter: "repl", filterType: "PREFIX_MATCH" }] }] }, home);
      await source.registry.metadata.setRegistrySetting("replication-configuration", storedReplication(config));
    });
    after(async () => {
      await replicator.close();
      await source.close();
      await target.close();
    });

    async function push(repo: string, seed: string, tag: string): Promise<string> {
      if ((await source.registry.metadata.getRepository(repo)) === undefined) await source.createRepository(repo);
      return pushOneLayerImage(source.registry, repo, seed, tag);
    }

    it("copies a pushed image with its tags and layers into the destination, creating the repository; other repositories stay", async () => {
      const skipped = await push("solo", "s", "v1");
      const digest = await push("repl/app", "a", "v1");
      await replicator.close(); // waits for both copies, in push order
      const copied = await target.registry.metadata.getManifest("repl/app", { digest });
      assert.deepEqual(copied?.tags, ["v1"]);
      const layer = aBlob("layer a");
      assert.ok(await target.registry.hasBlob("repl/app", layer.digest));
      assert.equal(await text(target.registry.blobs.read(layer.digest)), "layer a");
      assert.equal(await target.registry.metadata.getRepository("solo"), undefined);
      assert.deepEqual(await replicator.statusOf("repl/app", digest), [{ region: "eu-west-1", status: "COMPLETE" }]);
      assert.deepEqual(await replicator.statusOf("solo", skipped), []);
    });

    it("replicates an image pushed with ECR's PutImage (the API push path) too", async () => {
      const api = new Replicator({ registry: source.registry, destination: () => Promise.resolve(target.registry), now: () => 0, logger: pino({ level: "silent" }) });
      await source.createRepository("repl/api");
      const config = aBlob("config api");
      const layer = aBlob("layer api");
      await uploadBlobs(source.registry, "repl/api", [config, layer]);
      const image = await putImage(source.registry, { registryId: home.accountId, repositoryName: "repl/api" }, { imageManifest: anImageManifest(config, [layer]).toString("utf8"), imageTag: "api" });
      await api.close();
      assert.deepEqual((await target.registry.metadata.getManifest("repl/api", { tag: "api" }))?.digest, image.imageId.imageDigest);
    });

    it("does not replicate what replication wrote (no chains), and reports a failed copy with its failureCode", async () => {
      let pushedAtTarget = 0;
      target.registry.onManifestPushed(() => pushedAtTarget++);
      const failing = new Replicator({ registry: source.registry, destination: () => Promise.resolve(target.registry), now: () => 0, logger: pino({ level: "silent" }) });
      await target.registry.metadata.createRepository({ name: "repl/locked", createdAtMs: 0, imageTagMutability: "IMMUTABLE" });
      const first = await push("repl/locked", "one", "v1");
      await failing.close();
      assert.deepEqual(await failing.statusOf("repl/locked", first), [{ region: "eu-west-1", status: "COMPLETE" }]);
      const again = new Replicator({ registry: source.registry, destination: () => Promise.resolve(target.registry), now: () => 0, logger: pino({ level: "silent" }) });
      const second = await push("repl/locked", "two", "v1");
      await again.close();
      assert.deepEqual(await again.statusOf("repl/locked", second), [{ region: "eu-west-1", status: "FAILED", failureCode: "TAG_IMMUTABLE" }]);
      assert.equal(pushedAtTarget, 0);
    });
  });
}

describe("creation templates", () => {
  const t = (prefix: string, appliedFor = ["REPLICATION"]): CreationTemplate => ({ prefix, resourceTags: [], imageTagMutability: "MUTABLE", appliedFor, createdAtMs: 0, updatedAtMs: 0 });
  it("picks the longest namespace prefix applied for the purpose, else ROOT", () => {
    const all = [t("ROOT"), t("prod"), t("prod/team"), t("dev", ["PULL_THROUGH_CACHE"])];
    assert.equal(templateFor(all, "prod/team/web", "REPLICATION")?.prefix, "prod/team");
    assert.equal(templateFor(all, "prod/web", "REPLICATION")?.prefix, "prod");
    assert.equal(templateFor(all, "production", "REPLICATION")?.prefix, "ROOT", "a prefix names whole namespaces");
    assert.equal(templateFor(all, "dev/x", "REPLICATION")?.prefix, "ROOT", "dev's template is for pull-through cache only");
    assert.equal(templateFor([t("prod")], "other", "REPLICATION"), undefined);
  });
});
