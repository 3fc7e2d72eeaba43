import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TaskSetRecord } from "../../domain/task-set.js";
import { computedDesiredCount } from "../../domain/task-set.js";
import { aService, anInstance, tdArn, World } from "./testing.js";
import { isEmptyPlan } from "./types.js";

const aTaskSet = (id: string, o: Partial<TaskSetRecord> = {}): TaskSetRecord => ({
  id,
  arn: `arn:aws:ecs:us-east-1:000000000000:task-set/c/web/${id}`,
  status: "ACTIVE",
  taskDefinitionArn: tdArn(1),
  scalePercent: 100,
  tags: [],
  runningCount: 0,
  pendingCount: 0,
  stabilityStatus: "STABILIZING",
  stabilityStatusAtMs: 0,
  createdAtMs: 0,
  updatedAtMs: 0,
  ...o,
});

const external = (desiredCount: number, taskSets: TaskSetRecord[]) => aService({ desiredCount, deploymentController: "EXTERNAL", deployments: [], taskSets });

describe("service reconciler: EXTERNAL services run their task sets", () => {
  it("computes each set's count as ECS does: the desired count times the scale, rounded up; 0 once DRAINING", () => {
    assert.equal(computedDesiredCount(4, { status: "ACTIVE", scalePercent: 30 }), 2);
    assert.equal(computedDesiredCount(10, { status: "ACTIVE", scalePercent: 10 }), 1);
    assert.equal(computedDesiredCount(3, { status: "ACTIVE", scalePercent: 100 }), 3);
    assert.equal(computedDesiredCount(3, { status: "DRAINING", scalePercent: 100 }), 0);
  });

  it("starts each set's tasks with its own task definition, reaches STEADY_STATE, then plans nothing", () => {
    const w = new World(external(4, [aTaskSet("ecs-svc/1"), aTaskSet("ecs-svc/2", { taskDefinitionArn: tdArn(2), scalePercent: 50 })]), [anInstance("i1"), anInstance("i2")]);
    w.settle();
    assert.equal(w.running("ecs-svc/1").length, 4);
    assert.equal(w.running("ecs-svc/2").length, 2);
    assert.ok(w.running("ecs-svc/2").every((t) => t.taskDefinitionArn === tdArn(2)));
    assert.deepEqual(
      w.service.taskSets?.map((s) => [s.id, s.runningCount, s.pendingCount, s.stabilityStatus]),
      [
        ["ecs-svc/1", 4, 0, "STEADY_STATE"],
        ["ecs-svc/2", 2, 0, "STEADY_STATE"],
      ],
    );
    assert.ok(isEmptyPlan(w.reconcile()));
    assert.equal(w.service.deployments.length, 0, "no deployment of its own");
  });

  it("scales a set down to its new scale, newest tasks first", () => {
    const w = new World(external(4, [aTaskSet("ecs-svc/1")]), [anInstance("i1")]);
    w.settle();
    const oldest = [...w.running()].sort((a, b) => a.createdAtMs - b.createdAtMs)[0]!;
    w.service = { ...w.service, taskSets: w.service.taskSets?.map((s) => ({ ...s, scalePercent: 25 })) };
    w.settle();
    assert.deepEqual(w.running().map((t) => t.arn), [oldest.arn]);
  });

  it("stops a DRAINING set's tasks and then forgets the set; stops tasks of no set", () => {
    const w = new World(external(2, [aTaskSet("ecs-svc/1"), aTaskSet("ecs-svc/2")]), [anInstance("i1")]);
    w.settle();
    assert.equal(w.running().length, 4);
    w.service = { ...w.service, taskSets: w.service.taskSets?.map((s) => (s.id === "ecs-svc/1" ? { ...s, status: "DRAINING" } : s)) };
    w.settle();
    assert.equal(w.running("ecs-svc/1").length, 0);
    assert.deepEqual(w.service.taskSets?.map((s) => s.id), ["ecs-svc/2"]);
    w.service = { ...w.service, taskSets: [] };
    w.settle();
    assert.equal(w.alive().length, 0);
  });
});
