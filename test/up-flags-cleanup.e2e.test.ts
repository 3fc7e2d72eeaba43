import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateServiceCommand, DeleteServiceCommand, DescribeContainerInstancesCommand, ListContainerInstancesCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { BerthCluster, docker } from "./support/berth-cluster.js";
import { BerthUp } from "./support/berth-up.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";
import { describeService } from "./support/services.js";
import { until } from "./support/until.js";

/** A container that only stops at SIGKILL after its stopTimeout would hide slow clean-up: this one exits on SIGTERM. */
const sleeper = aContainer({ name: "app", command: ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"] });

const runningIn = async (cluster: string, family: string): Promise<number> =>
  (await docker("ps", "-q", "--filter", `label=com.amazonaws.ecs.cluster=${cluster}`, "--filter", `label=com.amazonaws.ecs.task-definition-family=${family}`))
    .split("\n")
    .filter(Boolean).length;

describe("berth up takes the server's flags: --task-healthy-after 0s", () => {
  let up: BerthUp;
  before(async () => {
    up = await BerthUp.start(["--task-healthy-after", "0s", "--log-level", "info", "--availability-zone", "lab-1c"]);
  });
  after(() => up.stop());

  it("says each start-up step and its duration, then a banner apart from the logs, which stay JSON off a terminal", () => {
    const out = up.stdout.split("\n");
    for (const step of [/^berth up: ports and data dir: done in \d+\.\d s$/, /^berth up: server \(AWS APIs, registry, agent channel\): done in \d+\.\d s$/, new RegExp(`^berth up: cluster ${up.cluster}: done in`), /^berth up: agent \(.*\): done in \d+\.\d s$/]) {
      assert.ok(out.some((l) => step.test(l)), `${String(step)} in ${up.stdout}`);
    }
    const banner = out.findIndex((l) => l.startsWith("Berth is up: "));
    assert.match(out[banner - 1] ?? "", /^─+$/, "the banner is set apart");
    assert.match(out[banner] ?? "", /\(started in \d+\.\d s\)$/);
    const logs = up.stderr.trim().split("\n").filter(Boolean);
    assert.ok(logs.length > 0, "info logs were written");
    for (const line of logs) assert.doesNotThrow(() => JSON.parse(line), line);
    // A clean start warns of nothing (the managed-capacity agent's ports are any free ones: no news).
    assert.deepEqual(logs.filter((l) => (JSON.parse(l) as { level: number }).level >= 40), []);
    assert.ok(!up.stderr.includes("Berth is up"), "the banner is not in the logs");
  });

  it("takes the agent's flags too: --availability-zone", async () => {
    const ecs = up.ecs();
    const arns = (await ecs.send(new ListContainerInstancesCommand({ cluster: up.cluster }))).containerInstanceArns ?? [];
    const [instance] = (await ecs.send(new DescribeContainerInstancesCommand({ cluster: up.cluster, containerInstances: arns }))).containerInstances ?? [];
    assert.equal(instance?.attributes?.find((a) => a.name === "ecs.availability-zone")?.value, "lab-1c");
  });

  it("completes a deployment as soon as its tasks run (not 40 s later)", async () => {
    const ecs = up.ecs();
    const td = await ecs.send(new RegisterTaskDefinitionCommand(aTaskDefinition("up-fast", [sleeper])));
    const t0 = Date.now();
    await ecs.send(new CreateServiceCommand({ cluster: up.cluster, serviceName: "fast", taskDefinition: td.taskDefinition!.taskDefinitionArn!, desiredCount: 3 }));
    await until("the deployment COMPLETED", async () => ((await describeService(ecs, up.cluster, "fast")).deployments?.[0]?.rolloutState === "COMPLETED" ? true : undefined), { timeoutMs: 20_000 });
    assert.ok(Date.now() - t0 < 20_000);
    assert.equal(await runningIn(up.cluster, "up-fast"), 3);
    await ecs.send(new DeleteServiceCommand({ cluster: up.cluster, service: "fast", force: true }));
    await until("no container left", async () => ((await runningIn(up.cluster, "up-fast")) === 0 ? true : undefined), { timeoutMs: 10_000 });
  });
});

describe("deleting or scaling a service to 0 stops its tasks at once, whatever their health timers", () => {
  let cluster: BerthCluster;
  let taskDefinition: string;
  before(async () => {
    cluster = await BerthCluster.start({ name: "svc-cleanup", agents: 1 }); // --task-healthy-after stays ECS's 40 s
    taskDefinition = await cluster.register(aTaskDefinition("cleanup", [{ ...sleeper, memory: 8, cpu: 8 }]));
  });
  after(() => cluster.stop());

  const startService = async (name: string, count: number): Promise<void> => {
    await cluster.ecs.send(new CreateServiceCommand({ cluster: cluster.name, serviceName: name, taskDefinition, desiredCount: count }));
    await until(`${count} tasks RUNNING`, async () => ((await describeService(cluster.ecs, cluster.name, name)).runningCount === count ? true : undefined), { timeoutMs: 60_000 });
  };

  it("delete-service --force stops every task within a few seconds", async () => {
    await startService("doomed", 20);
    assert.equal(await runningIn(cluster.name, "cleanup"), 20);
    const out = await cluster.server.aws("ecs", "delete-service", "--cluster", cluster.name, "--service", "doomed", "--force");
    assert.equal(out.code, 0, out.stderr);
    const t0 = Date.now();
    await until("every container stopped", async () => ((await runningIn(cluster.name, "cleanup")) === 0 ? true : undefined), { timeoutMs: 15_000, everyMs: 250 });
    assert.ok(Date.now() - t0 < 8_000, `took ${Date.now() - t0} ms`);
    await until("the service INACTIVE", async () => ((await describeService(cluster.ecs, cluster.name, "doomed")).status === "INACTIVE" ? true : undefined), { timeoutMs: 10_000 });
  });

  it("update-service --desired-count 0 stops every task within a few seconds", async () => {
    await startService("shrink", 6);
    await cluster.ecs.send(new UpdateServiceCommand({ cluster: cluster.name, service: "shrink", desiredCount: 0 }));
    const t0 = Date.now();
    await until("every container stopped", async () => ((await runningIn(cluster.name, "cleanup")) === 0 ? true : undefined), { timeoutMs: 15_000, everyMs: 250 });
    assert.ok(Date.now() - t0 < 8_000, `took ${Date.now() - t0} ms`);
  });
});
