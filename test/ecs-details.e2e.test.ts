import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ContainerInstance, Service, Task } from "@aws-sdk/client-ecs";
import { berthBin } from "./support/berth-server.js";
import { BerthCluster, docker } from "./support/berth-cluster.js";
import { aContainer, aTaskDefinition, testImage } from "./support/fixtures.js";
import { until } from "./support/until.js";

const run = promisify(execFile);

/** Issue 19's ECS details, checked with the real AWS CLI against real agents on real Docker. */
describe("ECS details a newcomer trips on (AWS CLI)", () => {
  let cluster: BerthCluster;

  before(async () => {
    cluster = await BerthCluster.start({ name: "ecs-details", agents: 2, serverArgs: ["--task-healthy-after", "4s"] });
  });
  after(() => cluster.stop());

  /** `aws ecs …` against the cluster's server, parsed. */
  const ecs = async <T>(...args: string[]): Promise<T> => {
    const out = await cluster.server.aws("ecs", ...args);
    assert.equal(out.code, 0, out.stderr);
    return (out.stdout.trim() === "" ? {} : JSON.parse(out.stdout)) as T;
  };

  it("registers ecs.availability-zone (us-east-1a by default), so spread by zone places tasks", async () => {
    const { containerInstances } = await ecs<{ containerInstances: ContainerInstance[] }>(
      "describe-container-instances", "--cluster", cluster.name, "--container-instances", ...cluster.agents.map((a) => a.containerInstanceArn),
    );
    for (const i of containerInstances) assert.equal(i.attributes?.find((a) => a.name === "ecs.availability-zone")?.value, "us-east-1a");
    const td = await cluster.register(aTaskDefinition("az-spread", [aContainer({ command: ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"] })]));
    const out = await ecs<{ tasks: Task[]; failures: unknown[] }>(
      "run-task", "--cluster", cluster.name, "--task-definition", td, "--count", "2",
      "--placement-strategy", "type=spread,field=attribute:ecs.availability-zone", "type=spread,field=instanceId",
    );
    assert.equal(out.tasks.length, 2, JSON.stringify(out.failures));
    assert.equal(new Set(out.tasks.map((t) => t.containerInstanceArn)).size, 2);
  });

  it("reports no imageDigest for an image built on the host, and the metadata endpoint says RUNNING from the container's first request", async () => {
    // The container asks about itself the moment it starts: the race the agent used to lose.
    const td = await cluster.register(
      aTaskDefinition("digest", [aContainer({ command: ["sh", "-c", 'wget -qO- "$ECS_CONTAINER_METADATA_URI_V4" > /tmp/first.json; trap "exit 0" TERM; sleep 1000 & wait'] })]),
    );
    const out = await ecs<{ tasks: Task[] }>("run-task", "--cluster", cluster.name, "--task-definition", td);
    const arn = out.tasks[0]!.taskArn!;
    const [task] = await cluster.waitForTasks([arn], (t) => t.lastStatus === "RUNNING", 20_000, "the task RUNNING");
    const described = (await ecs<{ tasks: Task[] }>("describe-tasks", "--cluster", cluster.name, "--tasks", arn)).tasks[0]!;
    const container = described.containers![0]!;
    // As the ECS agent: a digest is a registry's manifest digest (test/version-consistency.e2e has one); the test image was built here.
    assert.equal(container.imageDigest, undefined);
    assert.equal(container.image, testImage);
    const first = await until("the container's first metadata answer", async () => {
      const text = await docker("exec", task!.containers![0]!.runtimeId!, "cat", "/tmp/first.json").catch(() => "");
      return text.trim() === "" ? undefined : (JSON.parse(text) as { KnownStatus: string; DesiredStatus: string });
    }, { timeoutMs: 10_000 });
    assert.equal(first.KnownStatus, "RUNNING");
    assert.equal(first.DesiredStatus, "RUNNING");
  });

  it("lists ACTIVE and DRAINING container instances but not INACTIVE ones unless asked", async () => {
    const [, second] = cluster.agents;
    await second!.kill();
    await ecs("update-container-instances-state", "--cluster", cluster.name, "--container-instances", cluster.agents[0]!.containerInstanceArn, "--status", "DRAINING");
    await ecs("deregister-container-instance", "--cluster", cluster.name, "--container-instance", second!.containerInstanceArn, "--force");
    const all = await ecs<{ containerInstanceArns: string[] }>("list-container-instances", "--cluster", cluster.name);
    assert.deepEqual(all.containerInstanceArns, [cluster.agents[0]!.containerInstanceArn], "the DRAINING one, not the deregistered one");
    const inactive = await ecs<{ containerInstanceArns: string[] }>("list-container-instances", "--cluster", cluster.name, "--status", "INACTIVE");
    assert.deepEqual(inactive.containerInstanceArns, [second!.containerInstanceArn]);
    const filtered = await ecs<{ containerInstanceArns: string[] }>("list-container-instances", "--cluster", cluster.name, "--filter", "agentConnected == false");
    assert.deepEqual(filtered.containerInstanceArns, [], "a filter does not bring back INACTIVE instances either");
    await ecs("update-container-instances-state", "--cluster", cluster.name, "--container-instances", cluster.agents[0]!.containerInstanceArn, "--status", "ACTIVE");
  });

  it("services-stable returns with all tasks RUNNING; the deployment then says what it still waits for, and completes", async () => {
    const td = await cluster.register(aTaskDefinition("stable", [aContainer({ command: ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"] })]));
    await ecs("create-service", "--cluster", cluster.name, "--service-name", "stable", "--task-definition", td, "--desired-count", "2");
    const describe = async (): Promise<Service> => (await ecs<{ services: Service[] }>("describe-services", "--cluster", cluster.name, "--services", "stable")).services[0]!;
    await until("two tasks RUNNING", async () => ((await describe()).runningCount === 2 ? true : undefined), { timeoutMs: 20_000 });
    const waited = await cluster.server.aws("ecs", "wait", "services-stable", "--cluster", cluster.name, "--services", "stable");
    assert.equal(waited.code, 0, waited.stderr);
    const s = await describe();
    const messages = (s.events ?? []).map((e) => e.message ?? "");
    if (s.deployments?.[0]?.rolloutState === "IN_PROGRESS") {
      assert.match(s.deployments[0].rolloutStateReason ?? "", /waiting for them to be healthy/);
      assert.ok(messages.some((m) => /has all 2 tasks RUNNING; it completes when they are healthy/.test(m)), JSON.stringify(messages));
    }
    const done = await until("the deployment COMPLETED and the steady-state event", async () => {
      const now = await describe();
      return now.deployments?.[0]?.rolloutState === "COMPLETED" && (now.events ?? []).some((e) => e.message === "(service stable) has reached a steady state.") ? now : undefined;
    }, { timeoutMs: 20_000 });
    const order = (done.events ?? []).map((e) => e.message ?? "").reverse();
    const awaiting = order.findIndex((m) => m.includes("has all 2 tasks RUNNING"));
    assert.ok(awaiting >= 0 && awaiting < order.findIndex((m) => m.endsWith("deployment completed.")), JSON.stringify(order));
  });

  it("berth agent --print-config names the shared credentials file it would sign with", async () => {
    const credentials = join(cluster.agents[0]!.dataDir, "credentials");
    writeFileSync(credentials, "[default]\naws_access_key_id = AKID\naws_secret_access_key = secret\n");
    const env = { PATH: process.env.PATH ?? "", HOME: "/nonexistent", AWS_SHARED_CREDENTIALS_FILE: credentials, BERTH_AVAILABILITY_ZONE: "lab-1b" };
    const { stdout } = await run(process.execPath, [berthBin, "agent", "--print-config", "--config", "/dev/null"], { env });
    assert.match(stdout, new RegExp(`^credentials: shared credentials file ${credentials} \\(AWS_SHARED_CREDENTIALS_FILE \\(environment\\)\\), profile default`, "m"));
    assert.match(stdout, /^BERTH_AVAILABILITY_ZONE=lab-1b \(environment\)$/m);
    assert.doesNotMatch(stdout, /secret/);
  });
});
