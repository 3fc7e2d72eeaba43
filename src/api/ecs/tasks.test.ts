import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type {
  ContainerInstance,
  DescribeContainerInstancesResponse,
  DescribeTasksResponse,
  ListTasksResponse,
  RegisterContainerInstanceResponse,
  RunTaskResponse,
  StopTaskResponse,
} from "@aws-sdk/client-ecs";
import { aContainerDefinition, aTaskDefinition, anInstanceRegistration, itRefuses, startInProcessEcs, type InProcessEcs, type Refusal } from "../testing.js";

/**
 * Container instances and tasks through the JSON front door in process. No agent is connected:
 * what is specified here is what the control plane decides and records (placement, reservations,
 * desired status), not what a host does.
 */
let ecs: InProcessEcs;
before(() => {
  ecs = startInProcessEcs();
});
after(() => ecs.close());

/** A registered instance of that size in `cluster`, its agent connected unless told otherwise; its ARN. */
async function anInstance(cluster: string, size: { cpu: number; memory: number }, agent: "connected" | "never connected" = "connected"): Promise<string> {
  const out = await ecs.send<RegisterContainerInstanceResponse>("RegisterContainerInstance", anInstanceRegistration({ cluster, ...size }));
  const arn = out.containerInstance?.containerInstanceArn ?? assert.fail("no containerInstanceArn");
  if (agent === "connected") await ecs.connectAgent(arn);
  return arn;
}

/** A new cluster with one instance of that size, its agent connected; the instance's ARN. */
async function clusterWithInstance(cluster: string, size: { cpu: number; memory: number }): Promise<string> {
  await ecs.send("CreateCluster", { clusterName: cluster });
  return anInstance(cluster, size);
}

const integer = (ci: ContainerInstance | undefined, set: "registeredResources" | "remainingResources", name: string): number | undefined =>
  ci?.[set]?.find((r) => r.name === name)?.integerValue;

async function describeInstance(cluster: string, arn: string): Promise<ContainerInstance | undefined> {
  return (await ecs.send<DescribeContainerInstancesResponse>("DescribeContainerInstances", { cluster, containerInstances: [arn] })).containerInstances?.[0];
}

describe("container instances", () => {
  it("registers with the totalResources it is given, all of them remaining, agent not yet connected", async () => {
    await ecs.send("CreateCluster", { clusterName: "registered" });
    const arn = await anInstance("registered", { cpu: 2048, memory: 4096 }, "never connected");
    const ci = await describeInstance("registered", arn);
    assert.equal(ci?.status, "ACTIVE");
    assert.equal(ci?.agentConnected, false);
    assert.deepEqual([integer(ci, "registeredResources", "CPU"), integer(ci, "registeredResources", "MEMORY")], [2048, 4096]);
    assert.deepEqual([integer(ci, "remainingResources", "CPU"), integer(ci, "remainingResources", "MEMORY")], [2048, 4096]);
  });

  it("refuses a registration without CPU in totalResources (400 ClientException)", async () => {
    await ecs.send("CreateCluster", { clusterName: "partial" });
    const answer = await ecs.call("RegisterContainerInstance", { cluster: "partial", totalResources: [{ name: "MEMORY", type: "INTEGER", integerValue: 512 }] });
    assert.deepEqual([answer.status, answer.body.__type], [400, "ClientException"]);
    assert.match(String(answer.body.message), /totalResources must include CPU/);
  });
});

describe("RunTask, DescribeTasks and StopTask", () => {
  it("places a task onto the registered instance: PROVISIONING, desired RUNNING, its reservation out of remainingResources", async () => {
    const instance = await clusterWithInstance("placing", { cpu: 1024, memory: 2048 });
    await ecs.send("RegisterTaskDefinition", aTaskDefinition({ family: "sized", containerDefinitions: [aContainerDefinition({ cpu: 256, memory: 512 })] }));
    const run = await ecs.send<RunTaskResponse>("RunTask", { cluster: "placing", taskDefinition: "sized", count: 2 });
    assert.deepEqual(run.failures, []);
    assert.equal(run.tasks?.length, 2);

    const described = await ecs.send<DescribeTasksResponse>("DescribeTasks", { cluster: "placing", tasks: run.tasks?.map((t) => t.taskArn) });
    for (const t of described.tasks ?? []) {
      assert.deepEqual([t.lastStatus, t.desiredStatus, t.containerInstanceArn, t.cpu, t.memory], ["PROVISIONING", "RUNNING", instance, "256", "512"]);
      assert.ok(t.taskDefinitionArn?.endsWith("task-definition/sized:1"));
    }
    const ci = await describeInstance("placing", instance);
    assert.deepEqual([integer(ci, "remainingResources", "CPU"), integer(ci, "remainingResources", "MEMORY")], [1024 - 512, 2048 - 1024]);
    assert.equal(ci?.pendingTasksCount, 2);
    // ListTasks lists them, except for a daemon's (Berth runs no ECS Managed Daemons).
    assert.equal((await ecs.send<ListTasksResponse>("ListTasks", { cluster: "placing" })).taskArns?.length, 2);
    assert.deepEqual((await ecs.send<ListTasksResponse>("ListTasks", { cluster: "placing", daemonName: "agent" })).taskArns, []);
  });

  it("stops a task: desired STOPPED with the caller's reason, idempotently; the instance keeps it reserved until its agent reports it stopped", async () => {
    const instance = await clusterWithInstance("stopping", { cpu: 1024, memory: 2048 });
    await ecs.send("RegisterTaskDefinition", aTaskDefinition({ family: "stoppable" }));
    const taskArn = (await ecs.send<RunTaskResponse>("RunTask", { cluster: "stopping", taskDefinition: "stoppable" })).tasks?.[0]?.taskArn ?? assert.fail("not placed");

    const stopped = await ecs.send<StopTaskResponse>("StopTask", { cluster: "stopping", task: taskArn, reason: "rolling back" });
    assert.deepEqual([stopped.task?.desiredStatus, stopped.task?.stoppedReason, stopped.task?.stopCode], ["STOPPED", "rolling back", "UserInitiated"]);
    const again = await ecs.send<StopTaskResponse>("StopTask", { cluster: "stopping", task: taskArn, reason: "a second reason" });
    assert.equal(again.task?.stoppedReason, "rolling back", "stopping twice keeps the first stop");

    const described = (await ecs.send<DescribeTasksResponse>("DescribeTasks", { cluster: "stopping", tasks: [taskArn] })).tasks?.[0];
    assert.deepEqual([described?.lastStatus, described?.desiredStatus], ["PROVISIONING", "STOPPED"]);
    const ci = await describeInstance("stopping", instance);
    assert.equal(integer(ci, "remainingResources", "MEMORY"), 2048 - 256);
  });

  it("describes a task it does not know as a MISSING failure", async () => {
    await ecs.send("CreateCluster", { clusterName: "describing" });
    const out = await ecs.send<DescribeTasksResponse>("DescribeTasks", { cluster: "describing", tasks: ["0123456789abcdef0123456789abcdef"] });
    assert.deepEqual(out.tasks, []);
    assert.deepEqual(out.failures?.map((f) => f.reason), ["MISSING"]);
  });

  it("refuses to place what fits nowhere with a failure per instance and, in its detail, the count per reason", async () => {
    await clusterWithInstance("full", { cpu: 1024, memory: 512 });
    await anInstance("full", { cpu: 128, memory: 4096 });
    await ecs.send("RegisterTaskDefinition", aTaskDefinition({ family: "hungry", containerDefinitions: [aContainerDefinition({ cpu: 512, memory: 1024 })] }));
    const out = await ecs.send<RunTaskResponse>("RunTask", { cluster: "full", taskDefinition: "hungry" });
    assert.deepEqual(out.tasks, []);
    assert.deepEqual(out.failures?.map((f) => f.reason).sort(), ["RESOURCE:CPU", "RESOURCE:MEMORY"]);
    const detail = out.failures?.[0]?.detail ?? "";
    assert.match(detail, /Unable to place 1 of 1 task: no container instance met all of its requirements\./);
    assert.match(detail, /2 instances considered, rejected for: (1 RESOURCE:MEMORY, 1 RESOURCE:CPU|1 RESOURCE:CPU, 1 RESOURCE:MEMORY)\./);
  });

  it("refuses a task that needs GPUs on instances that registered none (RESOURCE:GPU), rather than run it without them", async () => {
    await clusterWithInstance("gpuless", { cpu: 4096, memory: 8192 });
    await ecs.send("RegisterTaskDefinition", aTaskDefinition({ family: "trainer", containerDefinitions: [aContainerDefinition({ resourceRequirements: [{ type: "GPU", value: "1" }] })] }));
    const out = await ecs.send<RunTaskResponse>("RunTask", { cluster: "gpuless", taskDefinition: "trainer" });
    assert.deepEqual(out.tasks, []);
    assert.deepEqual(out.failures?.map((f) => f.reason), ["RESOURCE:GPU"]);
    assert.match(out.failures?.[0]?.detail ?? "", /needs 1 GPUs, 0 free/);
  });

  it("does not place onto an instance whose agent has never connected, and says so (AGENT)", async () => {
    await ecs.send("CreateCluster", { clusterName: "agentless" });
    await anInstance("agentless", { cpu: 1024, memory: 2048 }, "never connected");
    await ecs.send("RegisterTaskDefinition", aTaskDefinition({ family: "patient" }));
    const out = await ecs.send<RunTaskResponse>("RunTask", { cluster: "agentless", taskDefinition: "patient" });
    assert.deepEqual(out.tasks, []);
    assert.deepEqual(out.failures?.map((f) => f.reason), ["AGENT"]);
    assert.match(out.failures?.[0]?.detail ?? "", /1 instance considered, rejected for: 1 AGENT\./);
  });

  it("places what fits and explains the rest when count asks for more than the instance holds", async () => {
    await clusterWithInstance("partly", { cpu: 1024, memory: 1024 });
    await ecs.send("RegisterTaskDefinition", aTaskDefinition({ family: "half", containerDefinitions: [aContainerDefinition({ cpu: 128, memory: 512 })] }));
    const out = await ecs.send<RunTaskResponse>("RunTask", { cluster: "partly", taskDefinition: "half", count: 3 });
    assert.equal(out.tasks?.length, 2);
    assert.deepEqual(out.failures?.map((f) => f.reason), ["RESOURCE:MEMORY"]);
    assert.match(out.failures?.[0]?.detail ?? "", /Unable to place 1 of 3 tasks/);
  });

  const runTaskSetup = async () => {
    await ecs.send("CreateCluster", { clusterName: "empty" });
    await ecs.send("RegisterTaskDefinition", aTaskDefinition());
  };
  const refusals: Omit<Refusal, "op">[] = [
    { what: "a cluster without instances", input: { cluster: "empty", taskDefinition: "web" }, type: "InvalidParameterException", message: /^No Container Instances were found in your cluster\.$/ },
    { what: "a cluster that does not exist", input: { cluster: "ghost", taskDefinition: "web" }, type: "ClusterNotFoundException", message: /^Cluster not found\.$/ },
    { what: "a count above 10", input: { cluster: "empty", taskDefinition: "web", count: 11 }, type: "InvalidParameterException", message: /count must be from 1 to 10/ },
    { what: "the FARGATE launch type with a definition Fargate cannot run", input: { cluster: "empty", taskDefinition: "web", launchType: "FARGATE" }, type: "InvalidParameterException", message: /^Task definition does not support launch_type FARGATE\./ },
    { what: "the EXTERNAL launch type", input: { cluster: "empty", taskDefinition: "web", launchType: "EXTERNAL" }, type: "InvalidParameterException", message: /use EC2 \(the default\) or FARGATE/ },
    {
      what: "a memberOf expression that does not parse",
      input: { cluster: "placing", taskDefinition: "sized", placementConstraints: [{ type: "memberOf", expression: "attribute:tier ==" }] },
      type: "InvalidParameterException",
      message: /position/,
    },
  ];
  itRefuses(() => ecs, refusals.map((r) => ({ ...r, what: `RunTask on ${r.what}`, op: "RunTask", setup: runTaskSetup })));

  it("answers StopTask on a task it does not know with 400 InvalidParameterException", async () => {
    await ecs.send("CreateCluster", { clusterName: "empty" });
    const answer = await ecs.call("StopTask", { cluster: "empty", task: "0123456789abcdef0123456789abcdef" });
    assert.deepEqual([answer.status, answer.body.__type], [400, "InvalidParameterException"]);
    assert.match(String(answer.body.message), /The referenced task was not found/);
  });
});
