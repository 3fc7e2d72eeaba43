import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, type Task } from "@aws-sdk/client-ecs";
import { BerthCluster } from "./support/berth-cluster.js";
import { RegistryTools } from "./support/registry-tools.js";

describe("an agent pulls task images from Berth's registry", () => {
  let cluster: BerthCluster;
  let tools: RegistryTools;
  let image = "";

  before(async () => {
    cluster = await BerthCluster.start({ name: "ecr-pull" });
    const server = cluster.server;
    tools = new RegistryTools(server);

    // The image goes into the registry, then out of this Docker engine: the agent must pull it.
    assert.equal((await server.aws("ecr", "create-repository", "--repository-name", "hello")).code, 0);
    assert.equal((await tools.login()).code, 0);
    image = `${tools.host}/hello:latest`;
    await tools.tag("berth-test:latest", image);
    const push = await tools.docker(["push", image]);
    assert.equal(push.code, 0, push.stderr);
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(push.stdout)![1]!;
    assert.equal((await tools.docker(["rmi", image])).code, 0);
    await tools.docker(["rmi", `${tools.host}/hello@${digest}`]); // usually gone with the last tag already
    assert.notEqual((await tools.docker(["image", "inspect", image])).code, 0, "the image is not on this engine");
    assert.equal((await tools.docker(["logout", tools.host])).code, 0, "the agent pulls with its own token, not this login");
  });

  after(async () => {
    await cluster.stop();
    await tools.cleanUp();
  });

  const waitForTask = async (arn: string, done: (t: Task) => boolean, timeoutMs: number): Promise<Task> =>
    (await cluster.waitForTasks([arn], done, timeoutMs, `task ${arn} to get there`))[0]!;

  async function run(family: string, taskImage: string): Promise<string> {
    await cluster.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: "app", image: taskImage, memory: 32, essential: true, command: ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"] }],
      }),
    );
    const out = await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: family }));
    assert.deepEqual(out.failures, []);
    return out.tasks?.[0]?.taskArn ?? "";
  }

  it("pulls a task's image from the registry with a token of its own, and the task runs", async () => {
    const arn = await run("pull-ok", image);
    const task = await waitForTask(arn, (t) => t.lastStatus === "RUNNING" || t.lastStatus === "STOPPED", 60_000);
    assert.equal(task.lastStatus, "RUNNING", task.stoppedReason);
    assert.equal((await tools.docker(["image", "inspect", image])).code, 0, "the agent pulled the image");
    await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: arn }));
    await waitForTask(arn, (t) => t.lastStatus === "STOPPED", 30_000);
  });

  it("runs a task definition written for ECS: an image named by its Amazon ECR URI of the cluster's account and region comes from Berth's registry", async () => {
    const arn = await run("pull-ecr-uri", "000000000000.dkr.ecr.us-east-1.amazonaws.com/hello:latest");
    const task = await waitForTask(arn, (t) => t.lastStatus === "RUNNING" || t.lastStatus === "STOPPED", 60_000);
    assert.equal(task.lastStatus, "RUNNING", task.stoppedReason);
    assert.equal(task.containers?.[0]?.image, "000000000000.dkr.ecr.us-east-1.amazonaws.com/hello:latest", "DescribeTasks names the image as the definition does");
    assert.match(task.containers?.[0]?.imageDigest ?? "", /^sha256:[0-9a-f]{64}$/, "the manifest digest of Berth's registry");
    await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: arn }));
    await waitForTask(arn, (t) => t.lastStatus === "STOPPED", 30_000);

    const elsewhere = await run("pull-other-account", "999999999999.dkr.ecr.us-east-1.amazonaws.com/hello:latest");
    const refused = await waitForTask(elsewhere, (t) => t.lastStatus === "STOPPED", 60_000);
    assert.match(refused.stoppedReason ?? "", /^CannotPullContainerError: 999999999999\.dkr\.ecr\.us-east-1\.amazonaws\.com\/hello:latest is in the Amazon ECR of account 999999999999 in us-east-1, which Berth cannot reach/);
  });

  it("stops a task whose tag does not exist with CannotPullContainerError naming the image", async (t) => {
    const missing = `${tools.host}/hello:nope`;
    const arn = await run("pull-missing", missing);
    const task = await waitForTask(arn, (t) => t.lastStatus === "STOPPED", 60_000);
    t.diagnostic(`stoppedReason: ${task.stoppedReason ?? ""}`);
    assert.equal(task.stopCode, "TaskFailedToStart");
    assert.match(task.stoppedReason ?? "", /^CannotPullContainerError: /);
    assert.ok((task.stoppedReason ?? "").includes("hello:nope") || (task.stoppedReason ?? "").includes("hello/manifests/nope"), task.stoppedReason);
    assert.match(task.containers?.[0]?.reason ?? "", /^CannotPullContainerError: /);
  });
});
