import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateClusterCommand,
  DeleteClusterCommand,
  DeregisterContainerInstanceCommand,
  DescribeClustersCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  type ECSClient,
} from "@aws-sdk/client-ecs";
import type { SimulatedAgent } from "../src/agent/simulated/simulated-agent.js";
import { BerthServer } from "./support/berth-server.js";
import { describeService } from "./support/services.js";
import { startSimulatedAgents } from "./support/simulated-cluster.js";
import { until } from "./support/until.js";

const rejectsWith = (p: Promise<unknown>, name: string) =>
  assert.rejects(p, (e: unknown) => {
    assert.equal((e as Error).name, name);
    return true;
  });

describe("a cluster's counts, and DeleteCluster while it holds instances or tasks", () => {
  let server: BerthServer;
  let ecs: ECSClient;
  let agents: SimulatedAgent[] = [];
  let taskArn = "";
  const cluster = "busy";
  const taskInStatus = async (arn: string, status: string) =>
    (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [arn] }))).tasks?.find((t) => t.lastStatus === status);
  before(async () => {
    server = await BerthServer.start();
    ecs = server.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    agents = await startSimulatedAgents(server, cluster, [{ cpu: 1024, memory: 1024 }]);
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "one", containerDefinitions: [{ name: "a", image: "berth-test", memory: 64 }] }));
  });
  after(async () => {
    agents.forEach((a) => a.stop());
    await server.stop();
  });

  it("counts registered instances and running tasks, and says so in its statistics", async () => {
    const run = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: "one" }));
    taskArn = run.tasks?.[0]?.taskArn ?? "";
    await until("RUNNING", () => taskInStatus(taskArn, "RUNNING"));
    const c = (await ecs.send(new DescribeClustersCommand({ clusters: [cluster], include: ["STATISTICS"] }))).clusters?.[0];
    assert.equal(c?.registeredContainerInstancesCount, 1);
    assert.equal(c?.runningTasksCount, 1);
    assert.equal(c?.pendingTasksCount, 0);
    assert.deepEqual(c?.statistics?.find((s) => s.name === "runningEC2TasksCount"), { name: "runningEC2TasksCount", value: "1" });
  });

  it("refuses to delete while instances are registered; a forced deregistration orphans the task, then the cluster deletes", async () => {
    await rejectsWith(ecs.send(new DeleteClusterCommand({ cluster })), "ClusterContainsContainerInstancesException");
    const [still] = (await ecs.send(new DescribeClustersCommand({ clusters: [cluster] }))).clusters ?? [];
    assert.equal(still?.status, "ACTIVE", "the refused delete changed nothing");
    // No agent can report the task any more (its credential died with the registration): as ECS, the
    // task is no longer accounted for, recorded STOPPED with ECS's reason.
    await ecs.send(new DeregisterContainerInstanceCommand({ cluster, containerInstance: agents[0]!.containerInstanceArn, force: true }));
    const orphaned = await taskInStatus(taskArn, "STOPPED");
    assert.equal(orphaned?.stoppedReason, "Container instance deregistration forced by user");
    assert.equal(orphaned?.stopCode, "UserInitiated");
    const deleted = await ecs.send(new DeleteClusterCommand({ cluster }));
    assert.equal(deleted.cluster?.status, "INACTIVE");
  });

  it("counts active services, and refuses to delete a cluster that has one", async () => {
    const other = "with-service";
    await ecs.send(new CreateClusterCommand({ clusterName: other }));
    await ecs.send(new CreateServiceCommand({ cluster: other, serviceName: "idle", taskDefinition: "one", desiredCount: 0 }));
    const c = (await ecs.send(new DescribeClustersCommand({ clusters: [other], include: ["STATISTICS"] }))).clusters?.[0];
    assert.equal(c?.activeServicesCount, 1);
    assert.deepEqual(c?.statistics?.find((s) => s.name === "activeEC2ServiceCount"), { name: "activeEC2ServiceCount", value: "1" });
    await rejectsWith(ecs.send(new DeleteClusterCommand({ cluster: other })), "ClusterContainsServicesException");
    await ecs.send(new DeleteServiceCommand({ cluster: other, service: "idle" }));
    await until("the service to become INACTIVE", async () => ((await describeService(ecs, other, "idle")).status === "INACTIVE" ? true : undefined));
    assert.equal((await ecs.send(new DeleteClusterCommand({ cluster: other }))).cluster?.status, "INACTIVE");
  });
});
