import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ContainerInstance } from "@aws-sdk/client-ecs";
import type { LoggedChange } from "../../state/changes.js";
import { aContainerInstance, aService, aTask } from "../../state/store-builders.js";
import type { TaskRecord } from "../../domain/task.js";
import { deriveEvents, stateKeys, type DeriveContext } from "./ecs-events.js";

const partition = { region: "us-east-1", accountId: "000000000000" };
let ids = 0;
const ctx = (instances: ReadonlyMap<string, ContainerInstance> = new Map()): DeriveContext => ({ partition, nowMs: Date.UTC(2026, 10, 29, 6, 0, 0, 123), newId: () => `id-${++ids}`, instances });
let revision = 0;
const taskChange = (record: TaskRecord): LoggedChange => ({ kind: "task", record, revision: ++revision });
const stopped = (t: TaskRecord): TaskRecord => ({ ...t, lastStatus: "STOPPED", spec: { ...t.spec, desiredStatus: "STOPPED" }, stopCode: "EssentialContainerExited", stoppedReason: "Essential container in task exited", version: t.version + 1 });

describe("ECS events from the change log", () => {
  it("a task's status change is one ECS Task State Change in EventBridge's shape, with the task's fields", () => {
    const pending = aTask("t1", { lastStatus: "PENDING" });
    const { events, states } = deriveEvents([taskChange(pending), taskChange({ ...pending, lastStatus: "RUNNING", version: 2 }), taskChange(stopped({ ...pending, version: 2 }))], new Map(), ctx());
    assert.deepEqual(events.map((e) => e.detail.lastStatus), ["PENDING", "RUNNING", "STOPPED"]);
    const last = events[2];
    assert.deepEqual(
      { ...last, id: undefined, detail: undefined },
      { version: "0", id: undefined, "detail-type": "ECS Task State Change", source: "aws.ecs", account: "000000000000", time: "2026-11-29T06:00:00Z", region: "us-east-1", resources: [pending.arn], detail: undefined },
    );
    assert.equal(last?.detail.taskArn, pending.arn);
    assert.equal(last?.detail.clusterArn, pending.clusterArn);
    assert.equal(last?.detail.desiredStatus, "STOPPED");
    assert.equal(last?.detail.stopCode, "EssentialContainerExited");
    assert.equal(last?.detail.stoppedReason, "Essential container in task exited");
    assert.equal(last?.detail.createdAt, "1970-01-01T00:00:00.000Z", "dates are ISO strings");
    assert.equal(last?.detail.version, 3);
    assert.deepEqual([...states], [[`task:${pending.arn}`, "STOPPED|STOPPED"]]);
  });

  it("a save that changes no status makes no event, nor does a state already made an event of (after a restart)", () => {
    const running = aTask("t2", {});
    const health: TaskRecord = { ...running, targetHealth: "HEALTHY", version: 2 };
    const first = deriveEvents([taskChange(running), taskChange(health)], new Map(), ctx());
    assert.equal(first.events.length, 1);
    const again = deriveEvents([taskChange(health)], first.states, ctx());
    assert.deepEqual(again.events, []);
    assert.deepEqual(stateKeys([taskChange(health)]), [`task:${running.arn}`]);
  });

  it("every save of a container instance is one ECS Container Instance State Change, with its ECS shape", () => {
    const record = aContainerInstance("c", "i-1");
    const shape: ContainerInstance = { containerInstanceArn: record.arn, status: "ACTIVE", agentConnected: false, version: 4, registeredAt: new Date(0) };
    const { events } = deriveEvents([{ kind: "instance", record, revision: ++revision }], new Map(), ctx(new Map([[record.arn, shape]])));
    assert.equal(events.length, 1);
    assert.equal(events[0]?.["detail-type"], "ECS Container Instance State Change");
    assert.deepEqual(events[0]?.resources, [record.arn]);
    assert.deepEqual({ ...events[0]?.detail, updatedAt: undefined }, { containerInstanceArn: record.arn, status: "ACTIVE", agentConnected: false, version: 4, registeredAt: "1970-01-01T00:00:00.000Z", clusterArn: "arn:aws:ecs:us-east-1:000000000000:cluster/c", updatedAt: undefined });
  });

  it("a deployment's new rollout state is one ECS Deployment State Change; a steady state one ECS Service Action", () => {
    const base = aService("c", "web");
    const deployment = { id: "ecs-svc/1", status: "PRIMARY" as const, taskDefinitionArn: "td", desiredCount: 1, runningCount: 0, pendingCount: 0, failedTasks: 0, rolloutState: "IN_PROGRESS" as const, rolloutStateReason: "ECS deployment ecs-svc/1 in progress.", createdAtMs: 0, updatedAtMs: 0 };
    const inProgress = { ...base, deployments: [deployment] };
    const completed = { ...base, deployments: [{ ...deployment, rolloutState: "COMPLETED" as const, rolloutStateReason: "ECS deployment ecs-svc/1 completed." }], steadyNoticeAtMs: 5 };
    const change = (record: typeof base): LoggedChange => ({ kind: "service", record, revision: ++revision });
    const { events, states } = deriveEvents([change(inProgress), change(inProgress), change(completed)], new Map(), ctx());
    assert.deepEqual(
      events.map((e) => [e["detail-type"], e.detail.eventName, e.detail.eventType]),
      [
        ["ECS Deployment State Change", "SERVICE_DEPLOYMENT_IN_PROGRESS", "INFO"],
        ["ECS Deployment State Change", "SERVICE_DEPLOYMENT_COMPLETED", "INFO"],
        ["ECS Service Action", "SERVICE_STEADY_STATE", "INFO"],
      ],
    );
    assert.equal(events[1]?.detail.deploymentId, "ecs-svc/1");
    assert.deepEqual(deriveEvents([change(completed)], states, ctx()).events, []);
  });
});
