import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DescribeClustersCommand, ListTaskDefinitionsCommand } from "@aws-sdk/client-ecs";
import { ECRClient, DescribeRepositoriesCommand } from "@aws-sdk/client-ecr";
import { BerthCluster } from "./support/berth-cluster.js";
import { helloServer } from "./support/fixtures.js";
import { RegistryTools } from "./support/registry-tools.js";
import { until } from "./support/until.js";
import { testSdkRetry } from "./support/sdk-retry.js";

const testImage = "berth-test:latest";
const region = "eu-west-1";

/**
 * Issue 20, acceptance 3: the seed walkthrough (register hello-server, list task definitions, run
 * and describe tasks, ECR login, push and pull) in eu-west-1 on a server whose home region is
 * us-east-1, with the real AWS CLI, the SDK v3 and docker: ARNs name the region, and us-east-1 sees
 * none of eu-west-1's ECS resources.
 */
describe("regions: one endpoint serves eu-west-1 as it serves us-east-1", () => {
  let cluster: BerthCluster;
  let tools: RegistryTools;
  const aws = (...args: string[]) => cluster.server.aws("--region", region, ...args);

  before(async () => {
    cluster = await BerthCluster.start({ name: "regions", region });
    tools = new RegistryTools(cluster.server, ["--region", region]);
  });
  after(async () => {
    await tools?.cleanUp();
    await cluster?.stop();
  });

  it("registers, lists, runs and describes hello-server in eu-west-1 with the AWS CLI: every ARN names eu-west-1", async () => {
    const file = join(cluster.agents[0]!.dataDir, "hello-server.json");
    writeFileSync(file, JSON.stringify(helloServer()));
    const registered = await aws("ecs", "register-task-definition", "--cli-input-json", `file://${file}`);
    assert.equal(registered.code, 0, registered.stderr);
    const definition = (JSON.parse(registered.stdout) as { taskDefinition: { taskDefinitionArn: string } }).taskDefinition;
    assert.match(definition.taskDefinitionArn, /^arn:aws:ecs:eu-west-1:\d{12}:task-definition\/hello-server:1$/);

    const listed = await aws("ecs", "list-task-definitions");
    assert.deepEqual((JSON.parse(listed.stdout) as { taskDefinitionArns: string[] }).taskDefinitionArns, [definition.taskDefinitionArn]);

    const ran = await aws("ecs", "run-task", "--cluster", cluster.name, "--task-definition", "hello-server");
    assert.equal(ran.code, 0, ran.stderr);
    const [task] = (JSON.parse(ran.stdout) as { tasks: { taskArn: string }[] }).tasks;
    assert.match(task!.taskArn, new RegExp(`^arn:aws:ecs:eu-west-1:\\d{12}:task/${cluster.name}/[0-9a-f]{32}$`));
    const [running] = await cluster.waitForTasks([task!.taskArn], (t) => t.lastStatus === "RUNNING", 30_000, "hello-server RUNNING in eu-west-1");
    assert.match(running!.clusterArn ?? "", /^arn:aws:ecs:eu-west-1:/);
    assert.match(running!.containerInstanceArn ?? "", /^arn:aws:ecs:eu-west-1:/);
    const port = running!.containers![0]!.networkBindings![0]!.hostPort!;
    assert.match(await (await fetch(`http://127.0.0.1:${port}/`)).text(), /berth-test ok/);

    const described = await aws("ecs", "describe-tasks", "--cluster", cluster.name, "--tasks", task!.taskArn);
    assert.equal((JSON.parse(described.stdout) as { tasks: { lastStatus: string }[] }).tasks[0]?.lastStatus, "RUNNING");
  });

  it("keeps us-east-1 apart: the SDK there finds neither the cluster nor the task definition", async () => {
    const home = cluster.server.ecs();
    const clusters = await home.send(new DescribeClustersCommand({ clusters: [cluster.name] }));
    assert.deepEqual(clusters.clusters, []);
    assert.equal(clusters.failures?.[0]?.reason, "MISSING");
    assert.deepEqual((await home.send(new ListTaskDefinitionsCommand({}))).taskDefinitionArns, []);
    const there = await cluster.ecs.send(new DescribeClustersCommand({ clusters: [cluster.name] }));
    assert.equal(there.clusters?.[0]?.clusterArn, `arn:aws:ecs:eu-west-1:${there.clusters?.[0]?.clusterArn?.split(":")[4]}:cluster/${cluster.name}`);
  });

  it("logs docker in with eu-west-1's token, pushes and pulls; the repository's ARN names eu-west-1 (CLI and SDK)", async () => {
    const created = await aws("ecr", "create-repository", "--repository-name", "hello-eu");
    assert.equal(created.code, 0, created.stderr);
    const repo = (JSON.parse(created.stdout) as { repository: { repositoryArn: string; repositoryUri: string } }).repository;
    assert.match(repo.repositoryArn, /^arn:aws:ecr:eu-west-1:\d{12}:repository\/hello-eu$/);
    assert.equal(repo.repositoryUri, `${tools.host}/hello-eu`);
    const login = await tools.login();
    assert.equal(login.code, 0, login.stderr);
    const ref = `${tools.host}/hello-eu:v1`;
    await tools.tag(testImage, ref);
    const digest = await tools.pushAndPullBack(ref);
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);

    const ecr = new ECRClient({ endpoint: cluster.server.endpoint, region, credentials: cluster.server.accessKey, ...testSdkRetry });
    const { repositories } = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ["hello-eu"] }));
    assert.equal(repositories?.[0]?.repositoryArn, repo.repositoryArn);

    // A layer's download URL from eu-west-1 serves the blob without credentials.
    const manifest = JSON.parse((await aws("ecr", "batch-get-image", "--repository-name", "hello-eu", "--image-ids", "imageTag=v1")).stdout) as { images: { imageManifest: string }[] };
    const layer = (JSON.parse(manifest.images[0]!.imageManifest) as { layers: { digest: string }[] }).layers[0]!.digest;
    const url = JSON.parse((await aws("ecr", "get-download-url-for-layer", "--repository-name", "hello-eu", "--layer-digest", layer)).stdout) as { downloadUrl: string };
    assert.equal((await fetch(url.downloadUrl)).status, 200);
  });

  it("keeps ECR apart too: us-east-1 has no such repository, and its password does not open eu-west-1's", async () => {
    const home = await cluster.server.aws("ecr", "describe-repositories", "--repository-names", "hello-eu");
    assert.notEqual(home.code, 0);
    assert.match(home.stderr, /RepositoryNotFoundException/);
    const homeTools = new RegistryTools(cluster.server);
    try {
      assert.equal((await homeTools.login()).code, 0);
      const pulled = await homeTools.docker(["pull", `${tools.host}/hello-eu:v1`]);
      assert.notEqual(pulled.code, 0, "a us-east-1 password pulls nothing from eu-west-1's repository");
    } finally {
      await homeTools.cleanUp();
    }
  });

  it("refuses a region AWS does not have, and makes nothing for it", async () => {
    const r = await cluster.server.aws("--region", "xx-nowhere-1", "ecs", "list-clusters");
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /InvalidSignatureException.*Credential should be scoped to a valid region/);
    assert.equal(existsSync(join(cluster.server.dataDir, "regions", "xx-nowhere-1")), false);
  });

  it("after a restart, eu-west-1's cluster, task and agent are back", async () => {
    await cluster.server.restart();
    const agent = cluster.agents[0]!;
    await until("the eu-west-1 agent reconnected", async () => {
      const [instance] = await cluster.describeInstances([agent.containerInstanceArn]);
      return instance?.agentConnected === true || undefined;
    }, { timeoutMs: 30_000 });
    const tasks = await aws("ecs", "list-tasks", "--cluster", cluster.name);
    assert.equal((JSON.parse(tasks.stdout) as { taskArns: string[] }).taskArns.length, 1);
  });
});
