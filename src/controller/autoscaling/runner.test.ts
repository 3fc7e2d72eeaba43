import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { pino } from "pino";
import { applicationAutoScalingService } from "../../api/application-autoscaling/service.js";
import { aTaskDefinition, jsonAnswer, signedJsonRequest, startInProcessEcs, testNow, type InProcessEcs } from "../../api/testing.js";
import type { AlarmRecord } from "../../domain/metrics/alarm.js";
import { AutoScalingRunner } from "./runner.js";

const dim = "ecs:service:DesiredCount";
const svc = (name: string) => ({ ServiceNamespace: "ecs", ResourceId: `service/default/${name}`, ScalableDimension: dim });

/** The runner on the real store and API (in process), with a clock the test moves. */
describe("AutoScalingRunner: alarm actions run scaling policies; scheduled actions run when due", () => {
  let ecs: InProcessEcs;
  let runner: AutoScalingRunner;
  let clock = testNow;
  let call: (op: string, input: object) => Promise<Record<string, unknown>>;
  let n = 0;
  const newId = () => (++n).toString(16).padStart(32, "0");
  before(async () => {
    const aas = (store: InProcessEcs["store"]) => applicationAutoScalingService({ store, newId, trackingAlarms: { periodSeconds: 60, highPeriods: 1, lowPeriods: 1 } });
    ecs = startInProcessEcs((store) => [aas(store)]);
    const table = aas(ecs.store);
    call = async (op, input) => {
      const a = jsonAnswer(await ecs.dispatch(await signedJsonRequest(table, op, input)));
      assert.equal(a.status, 200, JSON.stringify(a.body));
      return a.body;
    };
    runner = new AutoScalingRunner({ store: ecs.store, now: () => clock, logger: pino({ level: "silent" }), tickMs: 60_000, newId });
    await ecs.send("CreateCluster", { clusterName: "default" });
    await ecs.send("RegisterTaskDefinition", aTaskDefinition());
    for (const name of ["web", "api"]) await ecs.send("CreateService", { serviceName: name, taskDefinition: "web", desiredCount: 1 });
  });
  after(async () => {
    await runner.stop();
    await ecs.close();
  });

  const service = async (name: string) => (await ecs.store.read((tx) => tx.services.get("default", name)))!;
  const events = async (name: string) => (await ecs.store.read(async (tx) => tx.services.events((await tx.services.get("default", name))!.arn, 10))).map((e) => e.message);
  const anAlarm = (name: string, actions: string[], threshold: number, state: AlarmRecord["state"] = "ALARM"): AlarmRecord => ({
    name,
    arn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`,
    metric: { namespace: "AWS/ECS", metricName: "CPUUtilization", dimensions: [] },
    statistic: "Average",
    periodSeconds: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold,
    comparison: "GreaterThanThreshold",
    treatMissingData: "missing",
    actionsEnabled: true,
    alarmActions: actions,
    okActions: [],
    insufficientDataActions: [],
    configuredAtMs: 0,
    state,
    stateReason: "",
    stateUpdatedAtMs: 0,
    stateTransitionedAtMs: 0,
  });
  const fire = async (alarm: AlarmRecord, startMs: number, value: number) => {
    runner.alarmEvaluated(alarm, { startMs, value });
    await runner.idle();
  };

  it("a step policy: the step of the breach, once per period, its cooldown counting from the capacity before the scale-out; the service event and activity in AWS's words", async () => {
    await call("RegisterScalableTarget", { ...svc("web"), MinCapacity: 1, MaxCapacity: 5 });
    const { PolicyARN } = (await call("PutScalingPolicy", {
      ...svc("web"),
      PolicyName: "steps",
      PolicyType: "StepScaling",
      StepScalingPolicyConfiguration: { AdjustmentType: "ChangeInCapacity", Cooldown: 60, StepAdjustments: [{ MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 20, ScalingAdjustment: 1 }, { MetricIntervalLowerBound: 20, ScalingAdjustment: 3 }] },
    })) as { PolicyARN: string };
    const high = anAlarm("step-high", [PolicyARN], 50);
    const version = (await service("web")).version;
    await fire(high, testNow - 60_000, 80);
    assert.deepEqual([(await service("web")).desiredCount, (await service("web")).version], [4, version + 1]);
    assert.equal((await events("web"))[0], "Message: Successfully set desired count to 4. Change successfully fulfilled by ecs. Cause: monitor alarm step-high in state ALARM triggered policy steps");

    await fire(high, testNow - 60_000, 99);
    assert.equal((await service("web")).desiredCount, 4, "the same period runs the action once");
    clock = testNow + 30_000;
    await fire(high, testNow, 60);
    assert.equal((await service("web")).desiredCount, 4, "inside the cooldown +1 counts from 1: not beyond 4");
    clock = testNow + 61_000;
    await fire(high, testNow + 60_000, 60);
    assert.equal((await service("web")).desiredCount, 5);
    clock = testNow + 200_000;
    await fire(high, testNow + 120_000, 90);
    assert.equal((await service("web")).desiredCount, 5, "held at MaxCapacity");
    await fire({ ...high, state: "OK" }, testNow + 180_000, 10);
    assert.equal((await service("web")).desiredCount, 5, "OK has no actions");

    const activities = (await call("DescribeScalingActivities", { ServiceNamespace: "ecs", ResourceId: "service/default/web" })).ScalingActivities as Record<string, unknown>[];
    assert.deepEqual(activities.map((a) => [a.Description, a.Cause, a.StatusCode, a.StatusMessage]), [
      ["Setting desired count to 5.", "monitor alarm step-high in state ALARM triggered policy steps", "Successful", "Successfully set desired count to 5. Change successfully fulfilled by ecs."],
      ["Setting desired count to 4.", "monitor alarm step-high in state ALARM triggered policy steps", "Successful", "Successfully set desired count to 4. Change successfully fulfilled by ecs."],
    ]);
  });

  it("target tracking: AlarmHigh scales out in proportion (clamped to max); AlarmLow scales in after the scale-out cooldown", async () => {
    clock = testNow;
    await call("RegisterScalableTarget", { ...svc("api"), MinCapacity: 1, MaxCapacity: 3 });
    const out = (await call("PutScalingPolicy", {
      ...svc("api"),
      PolicyName: "cpu50",
      PolicyType: "TargetTrackingScaling",
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageCPUUtilization" }, ScaleOutCooldown: 120, ScaleInCooldown: 0 },
    })) as { PolicyARN: string; Alarms: { AlarmName: string }[] };
    const [highName, lowName] = out.Alarms.map((a) => a.AlarmName) as [string, string];
    const stored = await ecs.store.read(async (tx) => [await tx.alarms.get(highName), await tx.alarms.get(lowName)]);
    const high = { ...stored[0]!, state: "ALARM" as const };
    const low = { ...stored[1]!, state: "ALARM" as const };
    await fire(high, testNow - 60_000, 100);
    assert.equal((await service("api")).desiredCount, 2, "ceil(1 × 100 / 50)");
    clock = testNow + 60_000;
    await fire(high, testNow, 400);
    assert.equal((await service("api")).desiredCount, 3, "ceil(2 × 400 / 50) = 16, clamped to 3");
    await fire(low, testNow, 10);
    assert.equal((await service("api")).desiredCount, 3, "no scale-in inside the scale-out cooldown");
    clock = testNow + 181_000;
    await fire(low, testNow + 120_000, 10);
    assert.equal((await service("api")).desiredCount, 1, "ceil(3 × 10 / 50)");
    assert.equal((await events("api"))[0], `Message: Successfully set desired count to 1. Change successfully fulfilled by ecs. Cause: monitor alarm ${lowName} in state ALARM triggered policy cpu50`);
  });

  it("a scheduled action runs once when due: the target's new max, the desired count brought inside it", async () => {
    clock = testNow;
    await call("PutScheduledAction", { ...svc("web"), ScheduledActionName: "night", Schedule: "at(2026-11-29T12:05:00)", ScalableTargetAction: { MaxCapacity: 2 } });
    await runner.runDueScheduledActions();
    assert.equal((await service("web")).desiredCount, 5, "not yet due");
    clock = Date.UTC(2026, 10, 29, 12, 5, 1);
    await runner.runDueScheduledActions();
    await runner.runDueScheduledActions();
    assert.equal((await service("web")).desiredCount, 2);
    const target = await ecs.store.read((tx) => tx.autoScaling.target("service/default/web", dim));
    assert.deepEqual([target?.minCapacity, target?.maxCapacity], [1, 2]);
    const [a, b] = (await call("DescribeScalingActivities", { ServiceNamespace: "ecs", ResourceId: "service/default/web" })).ScalingActivities as Record<string, unknown>[];
    assert.deepEqual([a?.Description, a?.Cause, a?.StatusMessage], ["Setting max capacity to 2", "scheduled action name night was triggered", "Successfully set max capacity to 2 and desired count to 2. Change successfully fulfilled by ecs."]);
    assert.notEqual(b?.Cause, "scheduled action name night was triggered", "it ran once");
    assert.equal((await ecs.store.read((tx) => tx.autoScaling.scheduledAction("service/default/web", dim, "night")))?.nextDueMs, undefined);
  });
});
