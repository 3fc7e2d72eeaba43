import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { CreateServiceCommand, ListTasksCommand, DescribeTasksCommand, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { berthBin } from "./support/berth-server.js";
import { BerthCluster, docker } from "./support/berth-cluster.js";
import { aContainer, testImage } from "./support/fixtures.js";
import { describeService } from "./support/services.js";
import { until } from "./support/until.js";

const run = promisify(execFile);

/** `berth deploy` and `berth diff`: clients of the AWS SDK with the user's credentials, against real agents. */
describe("berth deploy and berth diff", () => {
  let cluster: BerthCluster;
  // A second name for the test image: a real image change that needs no registry.
  const newImage = `berth-deploy-test:${randomBytes(3).toString("hex")}`;

  /** Runs `berth <args>` as a user would: credentials from the shared credentials file. */
  const berth = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    const env = { PATH: process.env.PATH ?? "", HOME: "/nonexistent", AWS_SHARED_CREDENTIALS_FILE: cluster.server.credentialsFile, AWS_CONFIG_FILE: "/dev/null" };
    try {
      const { stdout, stderr } = await run(process.execPath, [berthBin, ...args, "--endpoint-url", cluster.server.endpoint], { env, timeout: 120_000 });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: err.code ?? -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
    }
  };

  before(async () => {
    await docker("tag", testImage, newImage);
    cluster = await BerthCluster.start({
      name: "deploy",
      agents: 2,
      serverArgs: ["--task-healthy-after", "1s"],
      agentEnv: { ECS_IMAGE_PULL_BEHAVIOR: "prefer-cached" },
    });
    await cluster.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "shop",
        containerDefinitions: [aContainer({ name: "web", environment: [{ name: "MODE", value: "prod" }], command: ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"] })],
      }),
    );
    await cluster.ecs.send(
      new CreateServiceCommand({
        cluster: cluster.name,
        serviceName: "shop",
        taskDefinition: "shop:1",
        desiredCount: 4,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true }, minimumHealthyPercent: 50, maximumPercent: 200 },
      }),
    );
    await until("shop COMPLETED", async () => ((await describeService(cluster.ecs, cluster.name, "shop")).deployments?.[0]?.rolloutState === "COMPLETED" ? true : undefined), { timeoutMs: 30_000 });
  });
  after(async () => {
    await cluster.stop();
    await docker("rmi", newImage).catch(() => "");
  });

  it("deploy changes only the image of a 4-task service, shows progress and exits 0 when the deployment completes", async () => {
    const out = await berth("deploy", "shop", "--image", newImage, "--cluster", cluster.name);
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.match(out.stdout, /^registered shop:2$/m);
    assert.match(out.stdout, new RegExp(`^  ~ containerDefinitions\\[web\\]\\.image: "${testImage}" → "${newImage}"$`, "m"));
    assert.match(out.stdout, /\d\/4 new tasks running/);
    assert.match(out.stdout, /^4\/4 new tasks running, 0 pending \(COMPLETED\)$/m);
    assert.match(out.stdout, /deployment ecs-svc\/\d+ completed$/m);

    const diff = await berth("diff", "shop:1", "shop:2");
    assert.equal(diff.code, 0, diff.stderr);
    assert.deepEqual(diff.stdout.trim().split("\n"), ["shop:1 → shop:2", `~ containerDefinitions[web].image: "${testImage}" → "${newImage}"`], "only the image differs");

    const s = await describeService(cluster.ecs, cluster.name, "shop");
    assert.equal(s.deployments?.length, 1);
    const arns = (await cluster.ecs.send(new ListTasksCommand({ cluster: cluster.name, serviceName: "shop" }))).taskArns ?? [];
    const tasks = (await cluster.ecs.send(new DescribeTasksCommand({ cluster: cluster.name, tasks: arns }))).tasks ?? [];
    assert.equal(tasks.filter((t) => t.lastStatus === "RUNNING" && t.taskDefinitionArn?.endsWith("/shop:2")).length, 4);
  });

  it("diff shows an image change, an environment change and a memory change between two revisions", async () => {
    await cluster.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "shop",
        containerDefinitions: [aContainer({ name: "web", image: testImage, memory: 64, environment: [{ name: "MODE", value: "debug" }], command: ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"] })],
      }),
    );
    const diff = await berth("diff", "shop:2", "shop:3");
    assert.equal(diff.code, 0, diff.stderr);
    assert.deepEqual(diff.stdout.trim().split("\n"), [
      "shop:2 → shop:3",
      '~ containerDefinitions[web].environment[MODE]: "prod" → "debug"',
      `~ containerDefinitions[web].image: "${newImage}" → "${testImage}"`,
      "~ containerDefinitions[web].memory: 32 → 64",
    ]);
  });

  it("deploy exits non-zero with the circuit breaker's reason when the new image cannot start", async () => {
    const out = await berth("deploy", "shop", "--image", "127.0.0.1:1/berth-absent:never", "--cluster", cluster.name);
    assert.notEqual(out.code, 0, out.stdout);
    assert.match(out.stderr, /^berth deploy: deployment ecs-svc\/\d+ failed: .*circuit breaker/m);
    assert.match(out.stdout, /event: .*CannotPullContainerError|failed/);
  });
});
