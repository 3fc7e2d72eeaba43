import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { activityRows, policyRow, scalingResourceId, scheduledRow, targetFacts } from "./scaling.js";

describe("console auto scaling rows", () => {
  it("a service's resource id and its scalable target's bounds and suspensions", () => {
    assert.equal(scalingResourceId("default", "web"), "service/default/web");
    const base = { ServiceNamespace: "ecs" as const, ResourceId: "service/default/web", ScalableDimension: "ecs:service:DesiredCount" as const, RoleARN: undefined, CreationTime: undefined };
    assert.deepEqual(targetFacts({ ...base, MinCapacity: 1, MaxCapacity: 4 }), { capacity: "1 to 4 tasks", suspended: "none" });
    assert.equal(targetFacts({ ...base, MinCapacity: 1, MaxCapacity: 4, SuspendedState: { DynamicScalingInSuspended: true, ScheduledScalingSuspended: true } }).suspended, "scale-in, scheduled");
  });

  it("target tracking, step and scheduled rules in a line each", () => {
    const policy = { PolicyARN: "arn", ServiceNamespace: "ecs" as const, ResourceId: "service/default/web", ScalableDimension: "ecs:service:DesiredCount" as const, CreationTime: undefined };
    assert.deepEqual(
      policyRow({ ...policy, PolicyName: "cpu50", PolicyType: "TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration: { TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageCPUUtilization" } } }),
      { name: "cpu50", kind: "target tracking", detail: "ECSServiceAverageCPUUtilization at 50" },
    );
    assert.deepEqual(
      policyRow({ ...policy, PolicyName: "out", PolicyType: "StepScaling", StepScalingPolicyConfiguration: { AdjustmentType: "ChangeInCapacity" }, Alarms: [{ AlarmName: "high-cpu", AlarmARN: "arn" }] }),
      { name: "out", kind: "step scaling", detail: "ChangeInCapacity on alarm high-cpu" },
    );
    assert.deepEqual(
      scheduledRow({ ScheduledActionName: "night", ScheduledActionARN: "arn", ServiceNamespace: "ecs", ResourceId: "service/default/web", Schedule: "cron(0 22 * * ? *)", Timezone: "Europe/Paris", ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 2 }, CreationTime: undefined }),
      { name: "night", kind: "scheduled", detail: "cron(0 22 * * ? *) (Europe/Paris): min 0, max 2" },
    );
  });

  it("activities newest first, with their cause and how they ended", () => {
    const activity = (minute: number, description: string) => ({
      ActivityId: String(minute),
      ServiceNamespace: "ecs" as const,
      ResourceId: "service/default/web",
      ScalableDimension: "ecs:service:DesiredCount" as const,
      Description: description,
      Cause: `cause ${minute}`,
      StartTime: new Date(Date.UTC(2026, 10, 30, 7, minute)),
      StatusCode: "Successful" as const,
    });
    const rows = activityRows([activity(1, "Setting desired count to 2."), activity(5, "Setting desired count to 4.")]);
    assert.deepEqual(rows.map((r) => [r.description, r.cause, r.status]), [["Setting desired count to 4.", "cause 5", "Successful"], ["Setting desired count to 2.", "cause 1", "Successful"]]);
  });
});
