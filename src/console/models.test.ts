import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Service, Task } from "@aws-sdk/client-ecs";
import { clusterRow, containerRows, deploymentRow, failureRows, instanceRow, newestFirst, placementOf, serviceRow, stagesOf, strategyOf, taskRow, tasksInOrder } from "./models.js";

const arn = (resource: string): string => `arn:aws:ecs:us-east-1:123456789012:${resource}`;

describe("console rows", () => {
  it("a cluster's counts", () => {
    assert.deepEqual(clusterRow({ clusterName: "default", status: "ACTIVE", activeServicesCount: 2, runningTasksCount: 5, pendingTasksCount: 1, registeredContainerInstancesCount: 3 }), {
      name: "default",
      status: "ACTIVE",
      activeServices: "2",
      runningTasks: "5",
      pendingTasks: "1",
      instances: "3",
    });
  });

  it("a service's counts and its PRIMARY deployment's rollout state", () => {
    const s: Service = {
      serviceName: "web",
      status: "ACTIVE",
      desiredCount: 3,
      runningCount: 2,
      pendingCount: 1,
      launchType: "EC2",
      deployments: [
        { id: "ecs-svc/2", status: "PRIMARY", rolloutState: "IN_PROGRESS", taskDefinition: arn("task-definition/web:2"), desiredCount: 3, runningCount: 1, pendingCount: 1, failedTasks: 0 },
        { id: "ecs-svc/1", status: "ACTIVE", rolloutState: "COMPLETED", taskDefinition: arn("task-definition/web:1") },
      ],
    };
    assert.deepEqual(serviceRow(s), { name: "web", status: "ACTIVE", desired: "3", running: "2", pending: "1", rollout: "IN_PROGRESS", launchType: "EC2" });
    assert.equal(serviceRow({ capacityProviderStrategy: [{ capacityProvider: "FARGATE" }] }).launchType, "FARGATE");
    const d = deploymentRow(s.deployments![0]!);
    assert.deepEqual([d.taskDefinition, d.desired, d.running, d.pending, d.failed, d.rollout], ["web:2", "3", "1", "1", "0", "IN_PROGRESS"]);
  });

  it("a blue/green service's strategy in a few words, and each deployment's lifecycle stage from its service deployment", () => {
    const s: Service = {
      deploymentConfiguration: { strategy: "BLUE_GREEN", bakeTimeInMinutes: 10 },
      deployments: [
        { id: "ecs-svc/8734019548126512345", status: "PRIMARY", rolloutState: "IN_PROGRESS" },
        { id: "ecs-svc/1111111111111111111", status: "ACTIVE", rolloutState: "COMPLETED" },
      ],
    };
    assert.equal(strategyOf(s), "BLUE_GREEN, bake 10 min");
    assert.equal(strategyOf({}), "ROLLING");
    assert.equal(strategyOf({ deploymentConfiguration: { strategy: "LINEAR", linearConfiguration: { stepPercent: 25 } } }), "LINEAR 25 % every 6 min, bake 0 min");
    assert.equal(strategyOf({ deploymentConfiguration: { strategy: "CANARY", bakeTimeInMinutes: 5 } }), "CANARY 5 %, the rest after 10 min, bake 5 min");
    const stages = stagesOf([
      { serviceDeploymentArn: arn("service-deployment/default/web/8734019548126512345"), lifecycleStage: "BAKE_TIME" },
      { serviceDeploymentArn: arn("service-deployment/default/web/2222222222222222222") },
    ]);
    assert.deepEqual(s.deployments!.map((d) => deploymentRow(d, stages).stage), ["BAKE_TIME", ""]);
  });

  it("a service's events newest first, whatever order they came in", () => {
    const at = (s: number): Date => new Date(Date.UTC(2026, 10, 30, 4, 0, s));
    const events = newestFirst([{ message: "b", createdAt: at(2) }, { message: "c", createdAt: at(3) }, { message: "a", createdAt: at(1) }]);
    assert.deepEqual(events.map((e) => e.message), ["c", "b", "a"]);
    assert.deepEqual(newestFirst(undefined), []);
  });

  it("placement in ECS's own terms", () => {
    assert.deepEqual(
      placementOf({ placementStrategy: [{ type: "spread", field: "attribute:ecs.availability-zone" }, { type: "random" }], placementConstraints: [{ type: "distinctInstance" }, { type: "memberOf", expression: "attribute:role == web" }] }),
      { strategy: ["spread(attribute:ecs.availability-zone)", "random"], constraints: ["distinctInstance", "memberOf(attribute:role == web)"] },
    );
  });

  it("a task's row, and stopped tasks after the ones still wanted", () => {
    const stopped: Task = { taskArn: arn("task/default/s1"), desiredStatus: "STOPPED", lastStatus: "STOPPED", stoppedReason: "Essential container in task exited", createdAt: new Date(3000) };
    const running: Task = { taskArn: arn("task/default/r1"), taskDefinitionArn: arn("task-definition/web:4"), desiredStatus: "RUNNING", lastStatus: "RUNNING", createdAt: new Date(1000) };
    const newer: Task = { taskArn: arn("task/default/r2"), desiredStatus: "RUNNING", lastStatus: "PENDING", createdAt: new Date(2000) };
    assert.deepEqual(tasksInOrder([stopped, running, newer]).map((t) => taskRow(t).id), ["r2", "r1", "s1"]);
    const row = taskRow(stopped);
    assert.deepEqual([row.id, row.lastStatus, row.stoppedReason], ["s1", "STOPPED", "Essential container in task exited"]);
    assert.equal(taskRow(running).taskDefinition, "web:4");
  });

  it("a container instance's remaining and registered CPU and memory", () => {
    const row = instanceRow({
      containerInstanceArn: arn("container-instance/default/ci1"),
      agentConnected: true,
      status: "ACTIVE",
      registeredResources: [{ name: "CPU", type: "INTEGER", integerValue: 2048 }, { name: "MEMORY", type: "INTEGER", integerValue: 3900 }],
      remainingResources: [{ name: "CPU", type: "INTEGER", integerValue: 1024 }, { name: "MEMORY", type: "INTEGER", integerValue: 3772 }],
      runningTasksCount: 2,
      pendingTasksCount: 0,
    });
    assert.deepEqual([row.id, row.agentConnected, row.cpu, row.memory, row.runningTasks], ["ci1", "yes", "1024 / 2048", "3772 / 3900", "2"]);
    assert.equal(instanceRow({ agentConnected: false }).agentConnected, "no");
  });

  it("each container's status, exit code, reason and port bindings", () => {
    const [c] = containerRows({
      containers: [{ name: "web", image: "berth-test:latest", lastStatus: "STOPPED", exitCode: 137, reason: "OutOfMemoryError: Container killed due to memory usage", networkBindings: [{ bindIP: "0.0.0.0", hostPort: 32768, containerPort: 80, protocol: "tcp" }] }],
    });
    assert.deepEqual(c, { name: "web", image: "berth-test:latest", lastStatus: "STOPPED", exitCode: "137", reason: "OutOfMemoryError: Container killed due to memory usage", health: "", bindings: ["0.0.0.0:32768 → 80/tcp"] });
    assert.equal(containerRows({ containers: [{ name: "x", exitCode: 0 }] })[0]!.exitCode, "0");
  });

  it("RunTask's failures with their reason and detail as given", () => {
    assert.deepEqual(failureRows([{ arn: arn("container-instance/default/ci1"), reason: "RESOURCE:MEMORY", detail: "needs 100000 MiB, has 3772" }]), [{ resource: "ci1", reason: "RESOURCE:MEMORY", detail: "needs 100000 MiB, has 3772" }]);
    assert.deepEqual(failureRows(undefined), []);
  });
});
