import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateRepositoryCreationTemplateCommand, DescribeRepositoryCreationTemplatesCommand, ECRClient, ListTagsForResourceCommand } from "@aws-sdk/client-ecr";
import { BerthServer } from "./support/berth-server.js";
import { RegistryTools } from "./support/registry-tools.js";
import { until } from "./support/until.js";
import { testSdkRetry } from "./support/sdk-retry.js";

const testImage = "berth-test:latest";
const eu = ["--region", "eu-west-1"];

/**
 * Issue 20, ECR replication: a replication rule in us-east-1 copies what docker pushes there into
 * eu-west-1's registry (manifest, layers, tags, same digest), creating the repository there from
 * eu-west-1's creation template, and eu-west-1's own docker login pulls it. With the real AWS CLI,
 * docker, and the SDK v3 for creation templates (the CLI 2.9 does not know them).
 */
describe("ECR replication from us-east-1 to eu-west-1", () => {
  let server: BerthServer;
  let home: RegistryTools;
  let away: RegistryTools;
  const json = async <T>(...args: string[]): Promise<T> => {
    const r = await server.aws(...args);
    assert.equal(r.code, 0, `aws ${args.join(" ")}: ${r.stderr}`);
    return JSON.parse(r.stdout || "{}") as T;
  };
  const status = (repo: string, tag: string) =>
    json<{ imageId: { imageDigest: string }; replicationStatuses: { region: string; registryId: string; status: string; failureCode?: string }[] }>(
      "ecr", "describe-image-replication-status", "--repository-name", repo, "--image-id", `imageTag=${tag}`,
    );
  const replicated = (repo: string, tag: string) =>
    until(`${repo}:${tag} replicated to eu-west-1`, async () => {
      const s = await status(repo, tag);
      return s.replicationStatuses.find((r) => r.region === "eu-west-1" && r.status === "COMPLETE") && s;
    });

  before(async () => {
    server = await BerthServer.start();
    home = new RegistryTools(server);
    away = new RegistryTools(server, eu);
  });
  after(async () => {
    await home?.cleanUp();
    await away?.cleanUp();
    await server?.stop();
  });

  it("refuses a destination in the same region or in another account, and keeps no rules", async () => {
    const account = (await json<{ Account: string }>("sts", "get-caller-identity")).Account;
    const same = await server.aws("ecr", "put-replication-configuration", "--replication-configuration", JSON.stringify({ rules: [{ destinations: [{ region: "us-east-1", registryId: account }] }] }));
    assert.notEqual(same.code, 0);
    assert.match(same.stderr, /InvalidParameterException.*cannot be the source registry's own region/);
    const other = await server.aws("ecr", "put-replication-configuration", "--replication-configuration", JSON.stringify({ rules: [{ destinations: [{ region: "eu-west-1", registryId: "210987654321" }] }] }));
    assert.notEqual(other.code, 0);
    assert.match(other.stderr, /InvalidParameterException.*cross-account replication/);
    const described = await json<{ replicationConfiguration: { rules: unknown[] } }>("ecr", "describe-registry");
    assert.deepEqual(described.replicationConfiguration.rules, []);
  });

  it("copies a docker push to eu-west-1, where eu-west-1's login pulls the same digest; other prefixes stay home", async () => {
    const account = (await json<{ Account: string }>("sts", "get-caller-identity")).Account;
    const config = { rules: [{ destinations: [{ region: "eu-west-1", registryId: account }], repositoryFilters: [{ filter: "repl/", filterType: "PREFIX_MATCH" }] }] };
    const put = await json<{ replicationConfiguration: unknown }>("ecr", "put-replication-configuration", "--replication-configuration", JSON.stringify(config));
    assert.deepEqual(put.replicationConfiguration, config);
    assert.deepEqual((await json<{ replicationConfiguration: unknown }>("ecr", "describe-registry")).replicationConfiguration, config);

    // eu-west-1's template for what replication creates under repl/.
    const euEcr = new ECRClient({ endpoint: server.endpoint, region: "eu-west-1", credentials: server.accessKey, ...testSdkRetry });
    await euEcr.send(new CreateRepositoryCreationTemplateCommand({ prefix: "repl", appliedFor: ["REPLICATION"], imageTagMutability: "IMMUTABLE", resourceTags: [{ Key: "origin", Value: "replica" }] }));
    await euEcr.send(new CreateRepositoryCreationTemplateCommand({ prefix: "ROOT", appliedFor: ["REPLICATION"], resourceTags: [{ Key: "origin", Value: "root" }] }));
    const templates = await euEcr.send(new DescribeRepositoryCreationTemplatesCommand({}));
    assert.deepEqual(templates.repositoryCreationTemplates?.map((t) => [t.prefix, t.imageTagMutability]), [["ROOT", "MUTABLE"], ["repl", "IMMUTABLE"]]);

    await json("ecr", "create-repository", "--repository-name", "repl/app");
    await json("ecr", "create-repository", "--repository-name", "solo/app");
    assert.equal((await home.login()).code, 0);
    const ref = `${home.host}/repl/app:v1`;
    await home.tag(testImage, ref);
    const pushed = await home.docker(["push", ref]);
    assert.equal(pushed.code, 0, pushed.stderr);
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushed.stdout)?.[1];
    assert.ok(digest);
    // Not replicated: pushed before v2, and copies run in push order.
    const solo = `${home.host}/solo/app:v1`;
    await home.tag(testImage, solo);
    assert.equal((await home.docker(["push", solo])).code, 0);
    await home.tag(testImage, `${home.host}/repl/app:v2`);
    assert.equal((await home.docker(["push", `${home.host}/repl/app:v2`])).code, 0);

    const v1 = await replicated("repl/app", "v1");
    assert.equal(v1.imageId.imageDigest, digest);
    assert.deepEqual(v1.replicationStatuses, [{ region: "eu-west-1", registryId: account, status: "COMPLETE" }]);
    await replicated("repl/app", "v2");

    const there = await json<{ imageDetails: { imageDigest: string; imageTags: string[] }[] }>(...eu, "ecr", "describe-images", "--repository-name", "repl/app");
    assert.deepEqual(there.imageDetails.map((d) => [d.imageDigest, [...d.imageTags].sort()]), [[digest, ["v1", "v2"]]]);
    const repo = await json<{ repositories: { repositoryArn: string; imageTagMutability: string }[] }>(...eu, "ecr", "describe-repositories", "--repository-names", "repl/app");
    assert.match(repo.repositories[0]!.repositoryArn, /^arn:aws:ecr:eu-west-1:\d{12}:repository\/repl\/app$/);
    assert.equal(repo.repositories[0]!.imageTagMutability, "IMMUTABLE", "created from the repl template");
    const tags = await euEcr.send(new ListTagsForResourceCommand({ resourceArn: repo.repositories[0]!.repositoryArn }));
    assert.deepEqual(tags.tags, [{ Key: "origin", Value: "replica" }], "the longest prefix wins over ROOT");
    const missing = await server.aws(...eu, "ecr", "describe-repositories", "--repository-names", "solo/app");
    assert.match(missing.stderr, /RepositoryNotFoundException/);
    assert.deepEqual((await status("solo/app", "v1")).replicationStatuses, []);

    // eu-west-1's own password pulls it, with the digest pushed in us-east-1.
    assert.equal((await home.docker(["rmi", ref, `${home.host}/repl/app:v2`])).code, 0);
    assert.equal((await away.login()).code, 0);
    const pulled = await away.docker(["pull", away.track(ref)]);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.equal(await away.repoDigest(ref), digest);
  });
});
