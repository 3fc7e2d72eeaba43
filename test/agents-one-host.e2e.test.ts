import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type ECSClient,
  type Task,
} from "@aws-sdk/client-ecs";
import { freePort } from "./support/berth-cluster.js";
import { berthBin } from "./support/berth-server.js";
import { BerthUp } from "./support/berth-up.js";
import { aContainer } from "./support/fixtures.js";
import { until } from "./support/until.js";


/** Holds a port on 127.0.0.1 if it is free; resolves undefined if something else holds it already. */
function hold(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(undefined));
    s.listen(port, "127.0.0.1", () => resolve(s));
  });
}

/** A `berth agent` started as the README says, next to `up`; resolves once its banner is out. */
async function startAgent(up: BerthUp, dataDir: string, extraArgs: readonly string[] = []): Promise<{ child: ChildProcess; out: () => string }> {
  let out = "";
  const child = spawn(
    process.execPath,
    [berthBin, "agent", "--endpoint", up.endpoint, "--cluster", up.cluster, "--data-dir", dataDir, "--log-level", "warn", "--config", "/dev/null", ...extraArgs],
    {
      stdio: ["ignore", "pipe", "inherit"],
      env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent", AWS_SHARED_CREDENTIALS_FILE: up.credentialsFile, AWS_CONFIG_FILE: "/dev/null", ECS_CONTAINER_STOP_TIMEOUT: "2s" },
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      if (/task metadata port \d+/.test(out)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`berth agent exited (${code}): ${out}`)));
  });
  return { child, out: () => out };
}

async function stopAgent(child: ChildProcess | undefined): Promise<void> {
  if (child && child.exitCode === null && child.signalCode === null) {
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  }
}

/** The attribute's value on each of the cluster's instances, by instance ARN. */
async function attributeByInstance(ecs: ECSClient, cluster: string, name: string): Promise<Map<string, string | undefined>> {
  const arns = (await ecs.send(new ListContainerInstancesCommand({ cluster }))).containerInstanceArns ?? [];
  const instances = (await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: arns }))).containerInstances ?? [];
  return new Map(instances.map((i) => [i.containerInstanceArn ?? "", i.attributes?.find((a) => a.name === name)?.value]));
}

/** Waits until every task is RUNNING or STOPPED, and asserts RUNNING. */
async function running(ecs: ECSClient, cluster: string, arns: readonly string[]): Promise<Task[]> {
  const tasks = await until(`${arns.length} tasks RUNNING or STOPPED`, async () => {
      const t = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [...arns] }))).tasks ?? [];
      return t.length === arns.length && t.every((x) => x.lastStatus === "RUNNING" || x.lastStatus === "STOPPED") ? t : undefined;
    }, { timeoutMs: 30_000 });
  for (const t of tasks) assert.equal(t.lastStatus, "RUNNING", `${t.stoppedReason ?? ""} ${t.containers?.[0]?.reason ?? ""}`);
  return tasks;
}

/** What the test image serves at `/`, fetched from the host address and port of a binding. */
async function page(address: string, port: number): Promise<string> {
  return (await fetch(`http://${address}:${port}/`, { signal: AbortSignal.timeout(5_000) })).text();
}

/**
 * Issue 19: a second agent on the host, started as the README says (`berth agent --endpoint …
 * --cluster … --data-dir …` with the shared credentials file), next to `berth up`.
 */
describe("two agents on one host, one Docker engine", () => {
  let up: BerthUp;
  let ecs: ECSClient;
  let second: ChildProcess | undefined;
  const secondDir = mkdtempSync(join(tmpdir(), "berth-agent2-"));
  const held: Server[] = [];

  before(async () => {
    up = await BerthUp.start(["--log-level", "warn"]);
    ecs = up.ecs();
    // The ECS agent's default ports are taken (here by this test, or by whatever holds them already).
    for (const port of [51678, 51679]) {
      const s = await hold(port);
      if (s) held.push(s);
    }
  });
  after(async () => {
    await stopAgent(second);
    for (const s of held) await new Promise((r) => s.close(r));
    await up.stop();
    rmSync(secondDir, { recursive: true, force: true });
  });

  it("a second `berth agent` registers on free introspection and metadata ports, and says which", async () => {
    const agent = await startAgent(up, secondDir);
    second = agent.child;
    const secondOut = agent.out();
    const m = /introspection API http:\/\/127\.0\.0\.1:(\d+), task metadata port (\d+)/.exec(secondOut);
    assert.ok(m, secondOut);
    assert.notEqual(Number(m[1]), 51678);
    assert.notEqual(Number(m[2]), 51679);
    const res = await fetch(`http://127.0.0.1:${m[1]}/v1/metadata`);
    assert.equal(((await res.json()) as { Cluster: string }).Cluster, up.cluster);
    const hostIds = [...(await attributeByInstance(ecs, up.cluster, "berth.host-id")).values()];
    assert.equal(hostIds.length, 2);
    assert.ok(hostIds[0] !== undefined && hostIds[0] === hostIds[1], "both name the one Docker engine they share");
    assert.deepEqual([...(await attributeByInstance(ecs, up.cluster, "berth.host-ip")).values()], ["0.0.0.0", "0.0.0.0"], "both bind every address");
  });

  it("a fixed host port is never double-booked: once taken on the engine, placing it again fails with RESOURCE:PORTS on both agents, not with Docker's 'port is already allocated'", async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const register = async (family: string, hostPort: number): Promise<string> =>
      (await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [aContainer({ name: "web", portMappings: [{ containerPort: 80, hostPort }] })] }))).taskDefinition!.taskDefinitionArn!;
    const a = await register("fixed-a", portA);
    const b = await register("fixed-b", portB);
    const first = await ecs.send(new RunTaskCommand({ cluster: up.cluster, taskDefinition: a, group: "fixed" }));
    assert.equal(first.tasks?.length, 1, JSON.stringify(first.failures));
    // The same port again: the other agent would have said yes when each believed it owned the host's ports.
    const again = await ecs.send(new RunTaskCommand({ cluster: up.cluster, taskDefinition: a }));
    assert.deepEqual(again.tasks, []);
    assert.deepEqual(again.failures?.map((f) => f.reason), ["RESOURCE:PORTS", "RESOURCE:PORTS"], JSON.stringify(again.failures));
    assert.match(again.failures?.[0]?.detail ?? "", new RegExp(`TCP host ports in use: ${portA}`));
    // Another fixed port lands on the other agent (spread by instance): both agents take fixed-port tasks.
    const other = await ecs.send(new RunTaskCommand({ cluster: up.cluster, taskDefinition: b, group: "fixed", placementStrategy: [{ type: "spread", field: "instanceId" }] }));
    assert.equal(other.tasks?.length, 1, JSON.stringify(other.failures));
    assert.notEqual(other.tasks[0]!.containerInstanceArn, first.tasks[0]!.containerInstanceArn);
    const tasks = await running(ecs, up.cluster, [first.tasks[0]!.taskArn!, other.tasks[0]!.taskArn!]);
    assert.deepEqual(tasks.map((t) => t.containers?.[0]?.networkBindings?.[0]?.hostPort).sort(), [portA, portB].sort());
  });
});

/**
 * Issue 19, acceptance point 2: two agents on one Docker engine, each bound to its own loopback
 * address (`berth up --host-ip 127.0.0.2`, `berth agent --host-ip 127.0.0.3`), behave like two
 * hosts: one fixed host port runs once on each.
 */
describe("two agents on one Docker engine, each on its own address (--host-ip)", () => {
  let up: BerthUp;
  let ecs: ECSClient;
  let second: ChildProcess | undefined;
  const secondDir = mkdtempSync(join(tmpdir(), "berth-agent3-"));
  /** Each instance's address, by instance ARN. */
  let addressOf: Map<string, string | undefined>;

  before(async () => {
    up = await BerthUp.start(["--log-level", "warn", "--host-ip", "127.0.0.2"]);
    ecs = up.ecs();
    second = (await startAgent(up, secondDir, ["--host-ip", "127.0.0.3"])).child;
  });
  after(async () => {
    await stopAgent(second);
    await up.stop();
    rmSync(secondDir, { recursive: true, force: true });
  });

  it("both register on the one engine, each with its address as berth.host-ip", async () => {
    const hostIds = [...(await attributeByInstance(ecs, up.cluster, "berth.host-id")).values()];
    assert.ok(hostIds.length === 2 && hostIds[0] !== undefined && hostIds[0] === hostIds[1], "both name the one Docker engine they share");
    addressOf = await attributeByInstance(ecs, up.cluster, "berth.host-ip");
    assert.deepEqual([...addressOf.values()].sort(), ["127.0.0.2", "127.0.0.3"]);
  });

  it("a fixed host port placed twice runs once on each agent, published on its address; a third placement fails with RESOURCE:PORTS", async () => {
    const port = await freePort();
    const family = `fixed-${port}`;
    const definition = (await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [aContainer({ name: "web", portMappings: [{ containerPort: 80, hostPort: port }] })] })))
      .taskDefinition!.taskDefinitionArn!;
    const placed: string[] = [];
    for (let n = 0; n < 2; n++) {
      const run = await ecs.send(new RunTaskCommand({ cluster: up.cluster, taskDefinition: definition }));
      assert.equal(run.tasks?.length, 1, JSON.stringify(run.failures));
      placed.push(run.tasks[0]!.taskArn!);
    }
    const third = await ecs.send(new RunTaskCommand({ cluster: up.cluster, taskDefinition: definition }));
    assert.deepEqual(third.tasks, []);
    assert.deepEqual(third.failures?.map((f) => f.reason), ["RESOURCE:PORTS", "RESOURCE:PORTS"], JSON.stringify(third.failures));
    assert.match(third.failures?.[0]?.detail ?? "", new RegExp(`TCP host ports in use: ${port}`));

    const tasks = await running(ecs, up.cluster, placed);
    assert.notEqual(tasks[0]!.containerInstanceArn, tasks[1]!.containerInstanceArn, "one on each agent");
    for (const t of tasks) {
      const address = addressOf.get(t.containerInstanceArn ?? "");
      assert.deepEqual(
        t.containers?.[0]?.networkBindings?.map((b) => ({ bindIP: b.bindIP, hostPort: b.hostPort, containerPort: b.containerPort })),
        [{ bindIP: address, hostPort: port, containerPort: 80 }],
      );
    }
    assert.match(await page("127.0.0.2", port), /berth-test ok/);
    assert.match(await page("127.0.0.3", port), /berth-test ok/);
    // Published on the agents' addresses only: nothing answers on 127.0.0.1.
    await assert.rejects(page("127.0.0.1", port));
  });

  it("dynamic host ports still come from each agent's range, published on its address", async () => {
    const definition = (await ecs.send(new RegisterTaskDefinitionCommand({ family: "dynamic", containerDefinitions: [aContainer({ name: "web", portMappings: [{ containerPort: 80, hostPort: 0 }] })] })))
      .taskDefinition!.taskDefinitionArn!;
    const run = await ecs.send(new RunTaskCommand({ cluster: up.cluster, taskDefinition: definition, count: 4, placementStrategy: [{ type: "spread", field: "instanceId" }] }));
    assert.equal(run.tasks?.length, 4, JSON.stringify(run.failures));
    const tasks = await running(ecs, up.cluster, run.tasks.map((t) => t.taskArn!));
    for (const t of tasks) {
      const [binding] = t.containers?.[0]?.networkBindings ?? [];
      assert.ok(binding?.bindIP !== undefined && binding.hostPort !== undefined, JSON.stringify(t.containers));
      assert.equal(binding.bindIP, addressOf.get(t.containerInstanceArn ?? ""));
      assert.match(await page(binding.bindIP, binding.hostPort), /berth-test ok/);
    }
  });
});
