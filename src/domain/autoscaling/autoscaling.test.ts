import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decidePolicy, decideScheduled, type AlarmTrigger } from "./decide.js";
import type { ScalableTargetRecord, ScalingPolicyRecord, StepScalingConfig } from "./records.js";
import { adjusted, stepFor } from "./step-scaling.js";
import { proportionalCapacity, trackingAlarms } from "./target-tracking.js";
import { parseServiceResourceId } from "./resource-id.js";

const aTarget = (o: Partial<ScalableTargetRecord> = {}): ScalableTargetRecord => ({
  resourceId: "service/default/web",
  dimension: "ecs:service:DesiredCount",
  arn: "arn:aws:application-autoscaling:us-east-1:000000000000:scalable-target/x",
  minCapacity: 1,
  maxCapacity: 10,
  roleArn: "r",
  suspended: { dynamicScalingInSuspended: false, dynamicScalingOutSuspended: false, scheduledScalingSuspended: false },
  createdAtMs: 0,
  ...o,
});
const steps: StepScalingConfig = {
  adjustmentType: "ChangeInCapacity",
  steps: [{ lower: 0, upper: 20, adjustment: 1 }, { lower: 20, adjustment: 3 }, { upper: 0, adjustment: -1 }],
  cooldownSeconds: 60,
  aggregation: "Average",
};
const stepPolicy = (o: Partial<StepScalingConfig> = {}): ScalingPolicyRecord => ({ arn: "p", name: "steps", resourceId: "service/default/web", dimension: "ecs:service:DesiredCount", type: "StepScaling", step: { ...steps, ...o }, alarms: [], createdAtMs: 0 });
const ttPolicy = (o: { disableScaleIn?: boolean; outS?: number; inS?: number } = {}): ScalingPolicyRecord => ({
  arn: "p",
  name: "cpu50",
  resourceId: "service/default/web",
  dimension: "ecs:service:DesiredCount",
  type: "TargetTrackingScaling",
  targetTracking: { targetValue: 50, scaleOutCooldownSeconds: o.outS ?? 300, scaleInCooldownSeconds: o.inS ?? 300, disableScaleIn: o.disableScaleIn ?? false },
  alarms: [],
  createdAtMs: 0,
});
const alarm = (name: string, value: number | undefined, threshold: number): AlarmTrigger => ({ name, state: "ALARM", threshold, value });
const high = (v: number) => alarm("TargetTracking-service/default/web-AlarmHigh-1", v, 50);
const low = (v: number) => alarm("TargetTracking-service/default/web-AlarmLow-1", v, 45);

describe("step scaling: the step that holds the breach and its adjustment", () => {
  for (const [breach, adjustment] of [[0, 1], [19.9, 1], [20, 3], [500, 3], [-0.1, -1], [-100, -1]] as const) {
    it(`breach ${breach} → ${adjustment}`, () => assert.equal(stepFor(steps.steps, breach)?.adjustment, adjustment));
  }
  it("bounds: below the threshold the upper bound is inclusive, above it the lower bound; a breach outside every step has none", () => {
    assert.equal(stepFor([{ lower: -10, upper: 0, adjustment: -1 }], -10), undefined);
    assert.equal(stepFor([{ lower: -10, upper: -5, adjustment: -1 }], -5)?.adjustment, -1);
    assert.equal(stepFor([{ lower: 5, upper: 10, adjustment: 2 }], 10), undefined);
    assert.equal(stepFor([{ lower: 5, adjustment: 2 }], 1), undefined);
  });
  for (const [type, current, adj, min, want] of [
    ["ChangeInCapacity", 3, 2, undefined, 5],
    ["ExactCapacity", 3, 7, undefined, 7],
    ["PercentChangeInCapacity", 10, 25, undefined, 12], // 2.5 rounds down
    ["PercentChangeInCapacity", 2, 10, undefined, 3], // 0.2 rounds to 1
    ["PercentChangeInCapacity", 2, -10, undefined, 1], // -0.2 rounds to -1
    ["PercentChangeInCapacity", 30, -22, undefined, 24], // -6.6 rounds up to -6
    ["PercentChangeInCapacity", 10, 10, 3, 13], // 1 raised to the minimum magnitude
  ] as const) {
    it(`${type} ${adj} from ${current}${min ? ` (min magnitude ${min})` : ""} → ${want}`, () => assert.equal(adjusted(type, current, adj, min), want));
  }
});

describe("target tracking: proportional capacity and its alarms", () => {
  for (const [current, metric, want] of [[1, 400, 8], [2, 100, 4], [4, 50, 4], [4, 10, 1], [3, 44, 3], [0, 80, 1], [0, 0, 0]] as const) {
    it(`${current} tasks at ${metric} % for a 50 % target → ${want}`, () => assert.equal(proportionalCapacity(current, metric, 50), want));
  }
  it("AlarmHigh above the target, AlarmLow below 90 % of it, none low when scale-in is disabled", () => {
    const shape = { periodSeconds: 60, highPeriods: 3, lowPeriods: 15 };
    const cfg = { targetValue: 50, scaleOutCooldownSeconds: 0, scaleInCooldownSeconds: 0, disableScaleIn: false };
    assert.deepEqual(trackingAlarms(cfg, shape), [
      { suffix: "AlarmHigh", threshold: 50, comparison: "GreaterThanThreshold", evaluationPeriods: 3 },
      { suffix: "AlarmLow", threshold: 45, comparison: "LessThanThreshold", evaluationPeriods: 15 },
    ]);
    assert.deepEqual(trackingAlarms({ ...cfg, disableScaleIn: true }, shape).map((a) => a.suffix), ["AlarmHigh"]);
  });
});

describe("decidePolicy: capacity, clamping, suspension and cooldowns", () => {
  const t0 = 1_000_000;
  const cases: [string, ScalableTargetRecord, ScalingPolicyRecord, number, AlarmTrigger, string][] = [
    ["a step out of 3 on a breach of 30", aTarget(), stepPolicy(), 2, alarm("hi", 80, 50), "out 5"],
    ["a step clamped to the max", aTarget({ maxCapacity: 4 }), stepPolicy(), 2, alarm("hi", 80, 50), "out 4"],
    ["a step in clamped to the min", aTarget({ minCapacity: 2 }), stepPolicy(), 2, alarm("lo", 10, 50), "none"],
    ["no data", aTarget(), stepPolicy(), 2, alarm("hi", undefined, 50), "none"],
    ["scale-out suspended", aTarget({ suspended: { dynamicScalingInSuspended: false, dynamicScalingOutSuspended: true, scheduledScalingSuspended: false } }), stepPolicy(), 2, alarm("hi", 80, 50), "none"],
    ["a step inside its cooldown counts from the capacity before the last scale-out", aTarget({ lastScaleOut: { atMs: t0 - 10_000, from: 2, to: 3 } }), stepPolicy(), 3, alarm("hi", 60, 50), "none"],
    ["a bigger step inside the cooldown still goes out", aTarget({ lastScaleOut: { atMs: t0 - 10_000, from: 2, to: 3 } }), stepPolicy(), 3, alarm("hi", 90, 50), "out 5"],
    ["a step after its cooldown counts from now", aTarget({ lastScaleOut: { atMs: t0 - 61_000, from: 2, to: 3 } }), stepPolicy(), 3, alarm("hi", 60, 50), "out 4"],
    ["target tracking high: proportional", aTarget(), ttPolicy(), 1, high(400), "out 8"],
    ["target tracking high inside the out cooldown: only beyond the last scale-out", aTarget({ lastScaleOut: { atMs: t0 - 1000, from: 1, to: 5 } }), ttPolicy(), 4, high(60), "none"],
    ["target tracking high inside the out cooldown beyond the last scale-out", aTarget({ lastScaleOut: { atMs: t0 - 1000, from: 1, to: 4 } }), ttPolicy(), 4, high(60), "out 5"],
    ["target tracking low: proportional in", aTarget(), ttPolicy({ inS: 0, outS: 0 }), 4, low(10), "in 1"],
    ["target tracking low waits for the scale-out cooldown", aTarget({ lastScaleOut: { atMs: t0 - 1000, from: 1, to: 4 } }), ttPolicy(), 4, low(10), "none"],
    ["target tracking low waits for the scale-in cooldown", aTarget({ lastScaleInAtMs: t0 - 1000 }), ttPolicy({ outS: 0 }), 4, low(10), "none"],
    ["target tracking low with scale-in disabled", aTarget(), ttPolicy({ disableScaleIn: true, inS: 0, outS: 0 }), 4, low(10), "none"],
    ["target tracking high never scales in", aTarget(), ttPolicy(), 4, high(40), "none"],
  ];
  for (const [name, target, policy, current, trigger, want] of cases) {
    it(name, () => {
      const d = decidePolicy(target, policy, current, trigger, t0);
      assert.equal(d.kind === "scale" ? `${d.direction} ${d.capacity}` : "none", want, d.kind === "none" ? d.reason : "");
      if (d.kind === "scale") assert.equal(d.cause, `monitor alarm ${trigger.name} in state ALARM triggered policy ${policy.name}`);
    });
  }
});

describe("decideScheduled and resource ids", () => {
  it("a scheduled action sets min and max and brings the capacity inside them", () => {
    const action = { arn: "a", name: "peak", resourceId: "service/default/web", dimension: "ecs:service:DesiredCount", schedule: "at(2026-01-01T00:00:00)", minCapacity: 3, createdAtMs: 0 };
    assert.deepEqual(decideScheduled(aTarget(), action, 1), { minCapacity: 3, maxCapacity: 10, capacity: 3, description: "Setting min capacity to 3", cause: "scheduled action name peak was triggered" });
    assert.equal(decideScheduled(aTarget(), { ...action, minCapacity: 0, maxCapacity: 2 }, 5).capacity, 2);
  });
  it("parses service/<cluster>/<service> only", () => {
    assert.deepEqual(parseServiceResourceId("service/default/web"), { cluster: "default", service: "web" });
    for (const bad of ["service/default", "service/a/b/c", "table/x", "service//web"]) assert.equal(parseServiceResourceId(bad), undefined);
  });
});
