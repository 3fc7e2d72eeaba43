import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { cpus } from "node:os";
import { RunTaskCommand, UpdateContainerInstancesStateCommand, type ContainerInstance, type Resource } from "@aws-sdk/client-ecs";
import { BerthCluster } from "./support/berth-cluster.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";

const integer = (resources: Resource[] | undefined, name: string): number | undefined => resources?.find((r) => r.name === name)?.integerValue;

/** Acceptance: two agents on one machine in one cluster; placement failures, draining, and what DescribeContainerInstances shows. */
describe("agent: two container instances", () => {
  let cluster: BerthCluster;
  let first: string;
  let second: string;
  let small: string;

  before(async () => {
    cluster = await BerthCluster.start({ name: "agent-instances", agents: 2 });
    [first, second] = cluster.agents.map((a) => a.containerInstanceArn) as [string, string];
    small = await cluster.register(aTaskDefinition("small", [aContainer({ name: "web", memory: 32, cpu: 64, portMappings: [{ containerPort: 80 }] })]));
  });
  after(() => cluster.stop());

  it("registers both agents with this host's cpu and memory, connected", async () => {
    const instances = await cluster.describeInstances([first, second]);
    assert.equal(instances.length, 2);
    for (const i of instances) {
      assert.equal(i.status, "ACTIVE");
      assert.equal(i.agentConnected, true);
      assert.equal(integer(i.registeredResources, "CPU"), cpus().length * 1024);
      assert.ok((integer(i.registeredResources, "MEMORY") ?? 0) > 0);
      assert.deepEqual(i.remainingResources, i.registeredResources, "nothing runs yet");
      assert.equal(i.runningTasksCount, 0);
    }
  });

  it("fails RunTask with RESOURCE:MEMORY for each instance when the task needs more memory than any has", async () => {
    const [instance] = await cluster.describeInstances([first]);
    const tooBig = await cluster.register(aTaskDefinition("too-big", [aContainer({ memory: 2 * integer(instance!.registeredResources, "MEMORY")! })]));
    const out = await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: tooBig }));
    assert.deepEqual(out.tasks, []);
    assert.equal(out.failures?.length, 2, JSON.stringify(out.failures));
    assert.deepEqual(out.failures.map((f) => f.arn).sort(), [first, second].sort());
    for (const f of out.failures) assert.equal(f.reason, "RESOURCE:MEMORY");
  });

  it("places nothing on a DRAINING instance: new tasks all land on the other", async () => {
    const drained = await cluster.ecs.send(new UpdateContainerInstancesStateCommand({ cluster: cluster.name, containerInstances: [first], status: "DRAINING" }));
    assert.equal(drained.containerInstances?.[0]?.status, "DRAINING");
    assert.deepEqual(drained.failures, []);
    const out = await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: small, count: 4 }));
    assert.equal(out.tasks?.length, 4, JSON.stringify(out.failures));
    assert.deepEqual(out.tasks.map((t) => t.containerInstanceArn), [second, second, second, second]);
    await cluster.waitForTasks(out.tasks.map((t) => t.taskArn!), (t) => t.lastStatus === "RUNNING", 20_000, "four tasks RUNNING");
  });

  it("shows registered and remaining cpu and memory, agentConnected and runningTasksCount per instance", async () => {
    const byArn = new Map((await cluster.describeInstances([first, second])).map((i): [string, ContainerInstance] => [i.containerInstanceArn!, i]));
    const busy = byArn.get(second)!;
    const idle = byArn.get(first)!;
    assert.equal(busy.runningTasksCount, 4);
    assert.equal(busy.pendingTasksCount, 0);
    assert.equal(busy.agentConnected, true);
    assert.equal(integer(busy.remainingResources, "CPU"), integer(busy.registeredResources, "CPU")! - 4 * 64);
    assert.equal(integer(busy.remainingResources, "MEMORY"), integer(busy.registeredResources, "MEMORY")! - 4 * 32);
    assert.equal(idle.status, "DRAINING");
    assert.equal(idle.runningTasksCount, 0);
    assert.equal(idle.agentConnected, true);
    assert.equal(integer(idle.remainingResources, "MEMORY"), integer(idle.registeredResources, "MEMORY"));
  });

  it("places on the instance again once it is ACTIVE", async () => {
    await cluster.ecs.send(new UpdateContainerInstancesStateCommand({ cluster: cluster.name, containerInstances: [first], status: "ACTIVE" }));
    // Spread by instance evens out the four tasks already on the busy one.
    const out = await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: small, count: 6, placementStrategy: [{ type: "spread", field: "instanceId" }] }));
    assert.equal(out.tasks?.length, 6, JSON.stringify(out.failures));
    assert.ok(out.tasks.some((t) => t.containerInstanceArn === first), "spread puts some on the re-activated instance");
  });
});
