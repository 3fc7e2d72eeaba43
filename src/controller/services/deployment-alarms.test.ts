import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { circuitBreakerThreshold, type DeploymentAlarmsConfig, type ServiceRecord } from "../../domain/service.js";
import { historyReasons } from "./history-rules.js";
import { rolloutReasons } from "./messages.js";
import { aService, anInstance, deploy, tdArn, World } from "./testing.js";

/** A service of 2 whose first deployment completed, then deployment alarms configured as given. */
function withAlarms(alarms: DeploymentAlarmsConfig, facts: Record<string, { state: string; windowMs: number }>): World {
  const w = new World(aService({ desiredCount: 2 }), [anInstance("i1"), anInstance("i2")]);
  w.settle();
  assert.equal(w.service.deployments[0]?.rolloutState, "COMPLETED");
  for (const [name, f] of Object.entries(facts)) w.alarms.set(name, f);
  w.service = { ...w.service, deploymentConfiguration: { ...w.service.deploymentConfiguration, alarms } };
  return w;
}
const deployment = (s: ServiceRecord, id: string) => s.deployments.find((d) => d.id === id);
const history = (s: ServiceRecord, id: string) => s.serviceDeployments?.find((h) => h.deploymentId === id);
const events = (w: World, rounds: number): string[] => {
  const seen: string[] = [];
  for (let i = 0; i < rounds; i++) {
    const plan = w.reconcile();
    seen.push(...plan.events);
    w.apply(plan);
    w.advance(1000);
  }
  return seen;
};

describe("deployment alarms", () => {
  it("an alarm going to ALARM during the rollout fails the deployment and rolls back to the last completed one", () => {
    const w = withAlarms({ alarmNames: ["errors", "latency"], enable: true, rollback: true }, { errors: { state: "OK", windowMs: 60_000 }, latency: { state: "OK", windowMs: 60_000 } });
    w.service = deploy(w.service, "ecs-svc/2", 2, w.nowMs);
    w.run(2);
    assert.equal(deployment(w.service, "ecs-svc/2")?.alarmWatch?.status, "MONITORING");
    w.alarms.set("latency", { state: "ALARM", windowMs: 60_000 });
    const seen = events(w, 1);
    const failed = deployment(w.service, "ecs-svc/2");
    assert.equal(failed?.rolloutState, "FAILED");
    assert.equal(failed?.rolloutStateReason, rolloutReasons.alarms(["latency"]));
    assert.deepEqual(failed?.alarmWatch, { status: "TRIGGERED", alarmNames: ["errors", "latency"], triggered: ["latency"] });
    assert.ok(seen.includes("(service web) (deployment ecs-svc/2) deployment failed: alarm(s) in ALARM: (alarm latency)."), seen.join("\n"));
    assert.equal(w.service.deployments[0]?.taskDefinitionArn, tdArn(1), "a new PRIMARY deployment returns to web:1");
    assert.equal(w.service.deployments[0]?.rolloutStateReason, rolloutReasons.alarmsRollback("ecs-svc/1"));
    const h = history(w.service, "ecs-svc/2");
    assert.equal(h?.rollback?.reason, historyReasons.alarms);
    assert.equal(h?.circuitBreakerTriggered, false, "the alarms failed it, not the circuit breaker");
    assert.equal(h?.alarmWatch?.status, "TRIGGERED");

    // The rollback starts with the alarm still in ALARM: ECS does not watch it, and it completes.
    const after = events(w, 30);
    assert.ok(after.some((e) => e.includes("is not watched by its deployment alarms: (alarm latency) already in ALARM")), after.join("\n"));
    assert.equal(w.service.deployments[0]?.rolloutState, "COMPLETED");
    assert.ok(w.running().every((t) => t.taskDefinitionArn === tdArn(1)));
  });

  it("without rollback, the failed deployment starts no more tasks and nothing rolls back", () => {
    const w = withAlarms({ alarmNames: ["errors"], enable: true, rollback: false }, { errors: { state: "OK", windowMs: 60_000 } });
    w.service = deploy(w.service, "ecs-svc/2", 2, w.nowMs);
    w.run(1);
    w.alarms.set("errors", { state: "ALARM", windowMs: 60_000 });
    w.run(5);
    assert.equal(w.service.deployments[0]?.id, "ecs-svc/2");
    assert.equal(w.service.deployments[0]?.rolloutState, "FAILED");
  });

  it("a deployment completes only after its bake time, the longest evaluation window of its alarms; an alarm while baking fails it", () => {
    const w = withAlarms({ alarmNames: ["a", "b", "gone"], enable: true, rollback: false }, { a: { state: "OK", windowMs: 30_000 }, b: { state: "INSUFFICIENT_DATA", windowMs: 120_000 } });
    w.service = deploy(w.service, "ecs-svc/2", 2, w.nowMs);
    const seen = events(w, 10);
    assert.ok(seen.some((e) => e.includes("deployment alarms not found, so never in ALARM: (alarm gone)")), seen.join("\n"));
    const baking = seen.find((e) => e.includes("bake time"));
    assert.equal(baking, "(service web) (deployment ecs-svc/2) has reached its desired state; it completes after a bake time of 120 seconds (the longest evaluation window of its alarms) unless an alarm goes to ALARM.");
    const bakeFrom = deployment(w.service, "ecs-svc/2")?.alarmWatch?.bakeFromMs ?? 0;
    assert.equal(deployment(w.service, "ecs-svc/2")?.rolloutStateReason, rolloutReasons.baking("ecs-svc/2", 120_000));
    while (w.nowMs < bakeFrom + 119_000) w.run(1, 10_000);
    assert.equal(deployment(w.service, "ecs-svc/2")?.rolloutState, "IN_PROGRESS", "still baking");
    w.run(2, 1000);
    assert.equal(deployment(w.service, "ecs-svc/2")?.rolloutState, "COMPLETED");
    assert.equal(deployment(w.service, "ecs-svc/2")?.alarmWatch?.status, "MONITORING_COMPLETE");
    assert.equal(history(w.service, "ecs-svc/2")?.alarmWatch?.status, "MONITORING_COMPLETE");

    w.service = deploy(w.service, "ecs-svc/3", 3, w.nowMs);
    w.run(10);
    assert.ok(deployment(w.service, "ecs-svc/3")?.alarmWatch?.bakeFromMs !== undefined, "baking");
    w.alarms.set("a", { state: "ALARM", windowMs: 30_000 });
    w.run(1);
    assert.equal(deployment(w.service, "ecs-svc/3")?.rolloutState, "FAILED");
  });

  it("alarms that are disabled, or a deployment with an alarm already in ALARM, leave the rollout as without them", () => {
    const off = withAlarms({ alarmNames: ["a"], enable: false, rollback: true }, { a: { state: "ALARM", windowMs: 600_000 } });
    off.service = deploy(off.service, "ecs-svc/2", 2, off.nowMs);
    off.settle();
    assert.equal(deployment(off.service, "ecs-svc/2")?.rolloutState, "COMPLETED");
    assert.equal(deployment(off.service, "ecs-svc/2")?.alarmWatch, undefined);

    const firing = withAlarms({ alarmNames: ["a"], enable: true, rollback: true }, { a: { state: "ALARM", windowMs: 600_000 } });
    firing.service = deploy(firing.service, "ecs-svc/2", 2, firing.nowMs);
    firing.settle();
    assert.equal(deployment(firing.service, "ecs-svc/2")?.rolloutState, "COMPLETED", "no bake either");
    assert.equal(deployment(firing.service, "ecs-svc/2")?.alarmWatch?.status, "DISABLED");
  });
});

describe("circuit breaker: threshold and reset on a healthy task", () => {
  const breaker = (extra: Partial<ServiceRecord["deploymentConfiguration"]["circuitBreaker"]>, desiredCount = 4) => {
    const w = new World(aService({ desiredCount, breaker: true }), [anInstance("i1"), anInstance("i2")]);
    w.service = { ...w.service, deploymentConfiguration: { ...w.service.deploymentConfiguration, circuitBreaker: { ...w.service.deploymentConfiguration.circuitBreaker, ...extra } } };
    w.settle();
    return w;
  };

  it("the threshold: BOUNDED_PERCENT (the default, 50) within 3 and 200, UNBOUNDED_PERCENT without bounds, COUNT as given", () => {
    const cases: Array<[number, Parameters<typeof circuitBreakerThreshold>[1], number]> = [
      [4, undefined, 3],
      [10, undefined, 5],
      [1000, undefined, 200],
      [1000, { type: "BOUNDED_PERCENT", value: 10 }, 100],
      [1000, { type: "UNBOUNDED_PERCENT", value: 50 }, 500],
      [0, { type: "UNBOUNDED_PERCENT", value: 50 }, 1],
      [4, { type: "COUNT", value: 1 }, 1],
    ];
    for (const [desired, threshold, expected] of cases) assert.equal(circuitBreakerThreshold(desired, threshold), expected, `${desired} ${JSON.stringify(threshold)}`);
  });

  it("COUNT 1 fails a deployment at its first failed task, where the default threshold waits for 3", () => {
    for (const [threshold, state] of [[{ type: "COUNT", value: 1 }, "FAILED"], [undefined, "IN_PROGRESS"]] as const) {
      const w = breaker(threshold === undefined ? {} : { threshold }, 1);
      w.failing.add(tdArn(2));
      w.service = deploy(w.service, "ecs-svc/2", 2, w.nowMs);
      for (let i = 0; i < 10 && (deployment(w.service, "ecs-svc/2")?.failedTasks ?? 0) === 0; i++) w.run(1);
      assert.equal(deployment(w.service, "ecs-svc/2")?.failedTasks, 1);
      assert.equal(deployment(w.service, "ecs-svc/2")?.rolloutState, state);
    }
  });

  it("a task that becomes healthy sets the failure count back to 0, unless resetOnHealthyTask is false", () => {
    for (const [reset, expected] of [[undefined, 0], [false, 2]] as const) {
      const w = breaker(reset === undefined ? {} : { resetOnHealthyTask: reset });
      w.service = deploy(w.service, "ecs-svc/2", 2, w.nowMs);
      w.apply(w.reconcile()); // starts tasks of web:2
      // Two of them fail to start; the others reach RUNNING (healthy at once here) in the same turn.
      let failed = 0;
      w.tasks = w.tasks.map((t) => (t.startedBy === "ecs-svc/2" && t.lastStatus === "PROVISIONING" && failed++ < 2 ? { ...t, lastStatus: "STOPPED", stopCode: "TaskFailedToStart", spec: { ...t.spec, desiredStatus: "STOPPED" } } : t));
      w.apply(w.reconcile());
      assert.equal(deployment(w.service, "ecs-svc/2")?.failedTasks, 2);
      w.advance(1000);
      w.apply(w.reconcile());
      assert.equal(deployment(w.service, "ecs-svc/2")?.failedTasks, expected, `resetOnHealthyTask ${String(reset)}`);
    }
  });
});
