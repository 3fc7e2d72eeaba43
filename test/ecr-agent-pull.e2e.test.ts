import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ECSClient,
  type Task,
} from "@aws-sdk/client-ecs";
import { berthBin, BerthServer } from "./support/berth-server.js";
import { RegistryTools } from "./support/registry-tools.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

/** A real `berth agent` process registered in `cluster`; resolves once it has registered. */
async function startAgent(server: BerthServer, cluster: string, dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [berthBin, "agent"], {
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: server.accessKey.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.accessKey.secretAccessKey,
      ECS_BACKEND_HOST: server.endpoint,
      ECS_CLUSTER: cluster,
      ECS_DATADIR: dataDir,
      ECS_LOGLEVEL: "warn",
      BERTH_INTROSPECTION_PORT: String(await freePort()),
      BERTH_METADATA_PORT: String(await freePort()),
      ECS_CONTAINER_STOP_TIMEOUT: "2s",
    },
  });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      if (/berth agent \S+/.test(out)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`berth agent exited (${code}) before registering: ${out}`)));
  });
  return child;
}

async function waitForTask(ecs: ECSClient, cluster: string, arn: string, done: (t: Task) => boolean, timeoutMs: number): Promise<Task> {
  const deadline = Date.now() + timeoutMs;
  let last: Task | undefined;
  while (Date.now() < deadline) {
    last = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [arn] }))).tasks?.[0];
    if (last && done(last)) return last;
    await sleep(250);
  }
  throw new Error(`task ${arn} did not get there in ${timeoutMs} ms: ${last?.lastStatus} ${last?.stoppedReason ?? ""}`);
}

describe("an agent pulls task images from Berth's registry", () => {
  const cluster = `ecr-pull-${randomBytes(3).toString("hex")}`;
  const agentDir = mkdtempSync(join(tmpdir(), "berth-agent-"));
  let server: BerthServer;
  let tools: RegistryTools;
  let agent: ChildProcess | undefined;
  let ecs: ECSClient;
  let image = "";

  before(async () => {
    server = await BerthServer.start();
    tools = new RegistryTools(server);
    ecs = server.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    agent = await startAgent(server, cluster, agentDir);

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
    if (agent && agent.exitCode === null) {
      const a = agent;
      await new Promise<void>((resolve) => {
        a.once("exit", () => resolve());
        a.kill("SIGTERM");
      });
    }
    const ids = await tools.docker(["ps", "-aq", "--filter", `label=com.amazonaws.ecs.cluster=${cluster}`]);
    const list = ids.stdout.split("\n").filter((l) => l.trim() !== "");
    if (list.length > 0) await tools.docker(["rm", "-f", "-v", ...list]);
    ecs.destroy();
    await tools.cleanUp();
    await server.stop();
    rmSync(agentDir, { recursive: true, force: true });
  });

  async function run(family: string, taskImage: string): Promise<string> {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: "app", image: taskImage, memory: 32, essential: true, command: ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"] }],
      }),
    );
    const out = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: family }));
    assert.deepEqual(out.failures, []);
    return out.tasks?.[0]?.taskArn ?? "";
  }

  it("pulls a task's image from the registry with a token of its own, and the task runs", async () => {
    const arn = await run(`${cluster}-ok`, image);
    const task = await waitForTask(ecs, cluster, arn, (t) => t.lastStatus === "RUNNING" || t.lastStatus === "STOPPED", 60_000);
    assert.equal(task.lastStatus, "RUNNING", task.stoppedReason);
    assert.equal((await tools.docker(["image", "inspect", image])).code, 0, "the agent pulled the image");
    await ecs.send(new StopTaskCommand({ cluster, task: arn }));
    await waitForTask(ecs, cluster, arn, (t) => t.lastStatus === "STOPPED", 30_000);
  });

  it("stops a task whose tag does not exist with CannotPullContainerError naming the image", async (t) => {
    const missing = `${tools.host}/hello:nope`;
    const arn = await run(`${cluster}-missing`, missing);
    const task = await waitForTask(ecs, cluster, arn, (t) => t.lastStatus === "STOPPED", 60_000);
    t.diagnostic(`stoppedReason: ${task.stoppedReason ?? ""}`);
    assert.equal(task.stopCode, "TaskFailedToStart");
    assert.match(task.stoppedReason ?? "", /^CannotPullContainerError: /);
    assert.ok((task.stoppedReason ?? "").includes("hello:nope") || (task.stoppedReason ?? "").includes("hello/manifests/nope"), task.stoppedReason);
    assert.match(task.containers?.[0]?.reason ?? "", /^CannotPullContainerError: /);
  });
});
