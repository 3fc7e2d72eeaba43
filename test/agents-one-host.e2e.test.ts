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
} from "@aws-sdk/client-ecs";
import { freePort } from "./support/berth-cluster.js";
import { berthBin } from "./support/berth-server.js";
import { BerthUp } from "./support/berth-up.js";
import { aContainer } from "./support/fixtures.js";
import { until } from "./support/services.js";

/** Holds a port on 127.0.0.1 if it is free; resolves undefined if something else holds it already. */
function hold(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(undefined));
    s.listen(port, "127.0.0.1", () => resolve(s));
  });
}

/**
 * Issue 19: a second agent on the host, started as the README says (`berth agent --endpoint …
 * --cluster … --data-dir …` with the shared credentials file), next to `berth up`.
 */
describe("two agents on one host, one Docker engine", () => {
  let up: BerthUp;
  let ecs: ECSClient;
  let second: ChildProcess | undefined;
  let secondOut = "";
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
    if (second && second.exitCode === null && second.signalCode === null) {
      await new Promise<void>((resolve) => {
        second!.once("exit", () => resolve());
        second!.kill("SIGTERM");
      });
    }
    for (const s of held) await new Promise((r) => s.close(r));
    await up.stop();
    rmSync(secondDir, { recursive: true, force: true });
  });

  it("a second `berth agent` registers on free introspection and metadata ports, and says which", async () => {
    second = spawn(process.execPath, [berthBin, "agent", "--endpoint", up.endpoint, "--cluster", up.cluster, "--data-dir", secondDir, "--log-level", "warn", "--config", "/dev/null"], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent", AWS_SHARED_CREDENTIALS_FILE: up.credentialsFile, AWS_CONFIG_FILE: "/dev/null", ECS_CONTAINER_STOP_TIMEOUT: "2s" },
    });
    const child = second;
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (c: Buffer) => {
        secondOut += c.toString();
        if (/task metadata port \d+/.test(secondOut)) resolve();
      });
      child.once("exit", (code) => reject(new Error(`berth agent exited (${code}): ${secondOut}`)));
    });
    const m = /introspection API http:\/\/127\.0\.0\.1:(\d+), task metadata port (\d+)/.exec(secondOut);
    assert.ok(m, secondOut);
    assert.notEqual(Number(m[1]), 51678);
    assert.notEqual(Number(m[2]), 51679);
    const res = await fetch(`http://127.0.0.1:${m[1]}/v1/metadata`);
    assert.equal(((await res.json()) as { Cluster: string }).Cluster, up.cluster);
    const arns = (await ecs.send(new ListContainerInstancesCommand({ cluster: up.cluster }))).containerInstanceArns ?? [];
    assert.equal(arns.length, 2);
    const instances = (await ecs.send(new DescribeContainerInstancesCommand({ cluster: up.cluster, containerInstances: arns }))).containerInstances ?? [];
    const hostIds = instances.map((i) => i.attributes?.find((a) => a.name === "berth.host-id")?.value);
    assert.ok(hostIds[0] !== undefined && hostIds[0] === hostIds[1], "both name the one Docker engine they share");
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
    const placed = [first.tasks[0]!.taskArn!, other.tasks[0]!.taskArn!];
    const tasks = await until(
      "both tasks RUNNING or STOPPED",
      async () => {
        const t = (await ecs.send(new DescribeTasksCommand({ cluster: up.cluster, tasks: placed }))).tasks ?? [];
        return t.length === 2 && t.every((x) => x.lastStatus === "RUNNING" || x.lastStatus === "STOPPED") ? t : undefined;
      },
      30_000,
    );
    for (const t of tasks) assert.equal(t.lastStatus, "RUNNING", `${t.stoppedReason ?? ""} ${t.containers?.[0]?.reason ?? ""}`);
    assert.deepEqual(tasks.map((t) => t.containers?.[0]?.networkBindings?.[0]?.hostPort).sort(), [portA, portB].sort());
  });
});
