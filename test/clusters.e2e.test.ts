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

  it("counts active services, each launch type apart in its statistics, and refuses to delete a cluster that has one", async () => {
    const other = "with-service";
    await ecs.send(new CreateClusterCommand({ clusterName: other, capacityProviders: ["FARGATE", "FARGATE_SPOT"] }));
    await ecs.send(new CreateServiceCommand({ cluster: other, serviceName: "idle", taskDefinition: "one", desiredCount: 0 }));
    // On Fargate's capacity: one by its launch type, one by a strategy of Fargate's providers (no launchType shown).
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "one-fargate",
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        cpu: "256",
        memory: "512",
        containerDefinitions: [{ name: "a", image: "berth-test" }],
      }),
    );
    const awsvpc = { awsvpcConfiguration: { subnets: ["subnet-0c1a55e5"] } };
    const fargate = [
      { serviceName: "idle-fargate", launchType: "FARGATE" as const },
      { serviceName: "idle-spot", capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] },
    ];
    for (const s of fargate) await ecs.send(new CreateServiceCommand({ cluster: other, taskDefinition: "one-fargate", desiredCount: 0, networkConfiguration: awsvpc, ...s }));
    const c = (await ecs.send(new DescribeClustersCommand({ clusters: [other], include: ["STATISTICS"] }))).clusters?.[0];
    assert.equal(c?.activeServicesCount, 3);
    assert.deepEqual(c?.statistics, [
      { name: "runningEC2TasksCount", value: "0" },
      { name: "runningFargateTasksCount", value: "0" },
      { name: "pendingEC2TasksCount", value: "0" },
      { name: "pendingFargateTasksCount", value: "0" },
      { name: "activeEC2ServiceCount", value: "1" },
      { name: "activeFargateServiceCount", value: "2" },
      { name: "drainingEC2ServiceCount", value: "0" },
      { name: "drainingFargateServiceCount", value: "0" },
    ]);
    await rejectsWith(ecs.send(new DeleteClusterCommand({ cluster: other })), "ClusterContainsServicesException");
    for (const service of ["idle", ...fargate.map((s) => s.serviceName)]) {
      await ecs.send(new DeleteServiceCommand({ cluster: other, service }));
      await until(`${service} to become INACTIVE`, async () => ((await describeService(ecs, other, service)).status === "INACTIVE" ? true : undefined));
    }
    assert.equal((await ecs.send(new DeleteClusterCommand({ cluster: other }))).cluster?.status, "INACTIVE");
  });
});
