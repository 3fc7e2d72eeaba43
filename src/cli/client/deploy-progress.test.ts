import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Deployment, Service } from "@aws-sdk/client-ecs";
import { deployStep } from "./deploy-progress.js";

const aDeployment = (o: Partial<Deployment>): Deployment => ({ id: "ecs-svc/2", status: "PRIMARY", desiredCount: 4, runningCount: 0, pendingCount: 0, failedTasks: 0, rolloutState: "IN_PROGRESS", ...o });
const aService = (...deployments: Deployment[]): Service => ({ serviceName: "web", deployments });

describe("deployStep: what berth deploy prints and when it stops", () => {
  it("progress: new tasks running and pending, old ones left", () => {
    const step = deployStep(aService(aDeployment({ runningCount: 2, pendingCount: 2 }), aDeployment({ id: "ecs-svc/1", status: "ACTIVE", runningCount: 3 })), "ecs-svc/2");
    assert.deepEqual(step, { kind: "progress", line: "2/4 new tasks running, 2 pending; 3 old tasks left (IN_PROGRESS)" });
  });

  it("completed when the deployment's rollout is COMPLETED", () => {
    assert.equal(deployStep(aService(aDeployment({ runningCount: 4, rolloutState: "COMPLETED" })), "ecs-svc/2").kind, "completed");
  });

  it("failed with ECS's reason (the circuit breaker's)", () => {
    const step = deployStep(aService(aDeployment({ failedTasks: 3, rolloutState: "FAILED", rolloutStateReason: "ECS deployment circuit breaker: tasks failed to start." })), "ecs-svc/2");
    assert.deepEqual(step, { kind: "failed", line: "0/4 new tasks running, 0 pending, 3 failed (FAILED)", reason: "ECS deployment circuit breaker: tasks failed to start." });
  });

  it("failed when the deployment is gone (rolled back and replaced)", () => {
    const step = deployStep(aService(aDeployment({ id: "ecs-svc/3", taskDefinition: "arn:…:task-definition/web:1", rolloutStateReason: "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1." })), "ecs-svc/2");
    assert.equal(step.kind, "failed");
    assert.match(step.kind === "failed" ? step.reason : "", /rolled back or replaced; the service runs web:1 again \(ECS deployment circuit breaker: rolling back/);
  });
});
