import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TaskRecord } from "../../domain/task.js";
import { reconcileService } from "./reconcile.js";
import { aDeployment, aService, aTask, anInstance, input } from "./testing.js";

const now = 100_000;
const guarded = (t: TaskRecord, expiresAtMs = now + 60_000): TaskRecord => ({ ...t, protection: { enabled: true, expiresAtMs } });

describe("service reconciler: task scale-in protection", () => {
  const cases: {
    name: string;
    service: Parameters<typeof aService>[0];
    tasks: () => TaskRecord[];
    /** Ids of the tasks the plan stops. */
    stops: string[];
  }[] = [
    {
      name: "scale-in from 3 to 1 stops the two unprotected tasks, never the protected one",
      service: { desiredCount: 1 },
      tasks: () => [guarded(aTask({ id: "p", createdAtMs: 3 })), aTask({ id: "a", createdAtMs: 1 }), aTask({ id: "b", createdAtMs: 2 })],
      stops: ["a", "b"],
    },
    {
      name: "with more protected tasks than the desired count, only the unprotected ones go",
      service: { desiredCount: 1 },
      tasks: () => [guarded(aTask({ id: "p1" })), guarded(aTask({ id: "p2" })), aTask({ id: "a" })],
      stops: ["a"],
    },
    {
      name: "an expired protection protects nothing",
      service: { desiredCount: 1 },
      tasks: () => [guarded(aTask({ id: "p", createdAtMs: 5 }), now), aTask({ id: "a", createdAtMs: 1 })],
      stops: ["p"],
    },
    {
      name: "protection switched off protects nothing",
      service: { desiredCount: 1 },
      tasks: () => [{ ...aTask({ id: "p", createdAtMs: 5 }), protection: { enabled: false, expiresAtMs: now + 60_000 } }, aTask({ id: "a", createdAtMs: 1 })],
      stops: ["p"],
    },
    {
      name: "a deployment does not replace a protected task of the old deployment; it replaces the others",
      service: { desiredCount: 2, min: 0, deployments: [aDeployment({ id: "ecs-svc/2", taskDefinitionArn: "arn:aws:ecs:us-east-1:000000000000:task-definition/web:2" }), aDeployment({ id: "ecs-svc/1", status: "ACTIVE" })] },
      tasks: () => [guarded(aTask({ id: "old-p", deployment: "ecs-svc/1" })), aTask({ id: "old", deployment: "ecs-svc/1" })],
      stops: ["old"],
    },
    {
      name: "deleting the service stops protected tasks too",
      service: { desiredCount: 0, status: "DRAINING" },
      tasks: () => [guarded(aTask({ id: "p" })), aTask({ id: "a" })],
      stops: ["a", "p"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = reconcileService(input({ service: aService(c.service), tasks: c.tasks(), nowMs: now, instances: [anInstance("i1")] }));
      assert.deepEqual(plan.stops.map((s) => s.taskArn.split("/").at(-1)).sort(), [...c.stops].sort());
    });
  }

  it("marks scale-in and deployment stops so that the apply step re-checks protection; a deleted service's are unconditional", () => {
    const scaleIn = reconcileService(input({ service: aService({ desiredCount: 1 }), tasks: [aTask({ id: "a" }), aTask({ id: "b" })], nowMs: now, instances: [anInstance("i1")] }));
    assert.ok(scaleIn.stops.length === 1 && scaleIn.stops.every((s) => s.unlessProtected === true));
    const deleted = reconcileService(input({ service: aService({ desiredCount: 0, status: "DRAINING" }), tasks: [aTask({ id: "a" })], nowMs: now }));
    assert.ok(deleted.stops.length === 1 && deleted.stops.every((s) => s.unlessProtected !== true));
  });
});
