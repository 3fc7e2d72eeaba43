import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { reconcileService } from "./reconcile.js";
import { aDeployment, aService, aTask, anInstance, deploy, input, settings, World } from "./testing.js";
import { isEmptyPlan } from "./types.js";

const running = (n: number, o: Parameters<typeof aTask>[0] = {}) => Array.from({ length: n }, (_, i) => aTask({ instance: i % 2 ? "i2" : "i1", ...o }));
const steadyWorld = (o: Parameters<typeof aService>[0] = {}, instances = [anInstance("i1"), anInstance("i2")]) => {
  const w = new World(aService(o), instances);
  w.settle();
  return w;
};

describe("service reconciler: REPLICA counts", () => {
  const cases: { name: string; service: Parameters<typeof aService>[0]; tasks: ReturnType<typeof aTask>[]; starts: number; stops: number }[] = [
    { name: "a new service starts its desired count", service: { desiredCount: 4 }, tasks: [], starts: 4, stops: 0 },
    { name: "a service at its count does nothing", service: { desiredCount: 4 }, tasks: running(4), starts: 0, stops: 0 },
    { name: "scale out starts the difference", service: { desiredCount: 6 }, tasks: running(4), starts: 2, stops: 0 },
    { name: "scale in stops the surplus (min 100 of the new count)", service: { desiredCount: 2 }, tasks: running(4), starts: 0, stops: 2 },
    { name: "desired 0 stops everything", service: { desiredCount: 0 }, tasks: running(3), starts: 0, stops: 3 },
    { name: "max 100 never starts above the desired count while tasks are alive", service: { desiredCount: 4, max: 100, min: 50 }, tasks: running(4), starts: 0, stops: 0 },
    { name: "pending tasks count toward the maximum", service: { desiredCount: 4, max: 100, min: 0 }, tasks: running(2, { status: "PENDING" }), starts: 2, stops: 0 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = reconcileService(input({ service: aService(c.service), tasks: c.tasks }));
      assert.equal(plan.starts.reduce((n, s) => n + s.count, 0), c.starts);
      assert.equal(plan.stops.length, c.stops);
    });
  }

  it("reconciling a settled service again plans nothing", () => {
    const w = steadyWorld();
    assert.ok(isEmptyPlan(w.reconcile()), JSON.stringify(w.reconcile()));
    assert.equal(w.running().length, 4);
    assert.equal(w.service.deployments[0]?.rolloutState, "COMPLETED");
  });

  it("says so once when it reaches a steady state, then repeats only after six hours", () => {
    const w = new World(aService({ desiredCount: 2 }), [anInstance("i1")]);
    const events: string[] = [];
    for (let i = 0; i < 6; i++) {
      const plan = w.reconcile();
      events.push(...plan.events);
      w.apply(plan);
      w.advance(1000);
    }
    assert.deepEqual(events.filter((e) => e.includes("steady state")), ["(service web) has reached a steady state."]);
    assert.ok(events.some((e) => e === "(service web) (deployment ecs-svc/1) deployment completed."));
    w.advance(6 * 3_600_000);
    assert.deepEqual(w.reconcile().events, ["(service web) has reached a steady state."]);
  });

  it("says once what services-stable does not wait for: all tasks RUNNING, the deployment completes when they are healthy", () => {
    const w = new World(aService({ desiredCount: 2 }), [anInstance("i1")], 40_000);
    const events: string[] = [];
    for (let i = 0; i < 8; i++) {
      const plan = w.reconcile();
      events.push(...plan.events);
      w.apply(plan);
      w.advance(1000);
    }
    const awaiting = events.filter((e) => e.includes("has all 2 tasks RUNNING"));
    assert.equal(awaiting.length, 1, JSON.stringify(events));
    assert.match(awaiting[0]!, /completes when they are healthy .*RUNNING for 40 seconds/);
    assert.equal(w.service.deployments[0]?.rolloutState, "IN_PROGRESS");
    assert.match(w.service.deployments[0]?.rolloutStateReason ?? "", /waiting for them to be healthy/);
    assert.ok(!events.includes("(service web) has reached a steady state."), "no steady state before the deployment completes");
    w.advance(40_000);
    const after = w.reconcile();
    assert.ok(after.events.some((e) => e.endsWith("deployment completed.")));
    assert.ok(after.events.includes("(service web) has reached a steady state."));
  });

  it("a service scaled to 0 or deleted stops every task at once, even RUNNING ones inside the healthy-after period", () => {
    const settling = running(6, { startedAtMs: 99_000 }); // RUNNING for 1 s of the 40 s (now is 100 000)
    for (const service of [aService({ desiredCount: 0 }), { ...aService({ desiredCount: 4 }), status: "DRAINING" as const }]) {
      const plan = reconcileService(input({ service, tasks: settling, settings: { ...settings, healthyAfterMs: 40_000 } }));
      assert.equal(plan.stops.length, 6, JSON.stringify(plan.stops));
    }
  });

  it("replaces a task that stopped, and counts it against a deployment in progress", () => {
    const crashed = aTask({ status: "STOPPED", startedAtMs: 5, stopCode: "EssentialContainerExited" });
    const plan = reconcileService(input({ service: aService({ desiredCount: 2 }), tasks: [aTask(), crashed] }));
    assert.deepEqual(plan.observed, [crashed.arn]);
    assert.equal(plan.starts[0]?.count, 1);
    assert.equal(plan.service?.deployments[0]?.failedTasks, 1);
  });
});

/** Reconciles and lets the agents act until the PRIMARY deployment completes; what ran then: new tasks RUNNING, older ones not yet STOPPED. */
function completes(w: World): { newRunning: number; oldAlive: number } {
  for (let i = 0; i < 30; i++) {
    w.apply(w.reconcile());
    const primary = w.service.deployments[0]!;
    if (primary.rolloutState === "COMPLETED") {
      const mine = w.tasks.filter((t) => t.startedBy === primary.id);
      return { newRunning: mine.filter((t) => t.lastStatus === "RUNNING").length, oldAlive: w.alive().length - mine.filter((t) => t.lastStatus !== "STOPPED").length };
    }
    w.advance(1000);
  }
  return assert.fail("the deployment never completed");
}

describe("service reconciler: rolling deployments step by step", () => {
  const stepCounts = (o: { min: number; max: number }) => {
    const w = steadyWorld({ desiredCount: 4, ...o });
    w.service = deploy(w.service, "ecs-svc/2", 2, w.nowMs);
    const steps: { starts: number; stops: number }[] = [];
    for (let i = 0; i < 20; i++) {
      const plan = w.reconcile();
      const step = { starts: plan.starts.reduce((n, s) => n + s.count, 0), stops: plan.stops.length };
      if (step.starts + step.stops > 0) steps.push(step);
      w.apply(plan);
      w.advance(1000);
    }
    return { w, steps };
  };

  it("50/100: stops two old tasks, starts two new, then the other two", () => {
    const { w, steps } = stepCounts({ min: 50, max: 100 });
    assert.deepEqual(steps, [
      { starts: 0, stops: 2 },
      { starts: 2, stops: 0 },
      { starts: 0, stops: 2 },
      { starts: 2, stops: 0 },
    ]);
    assert.equal(w.running("ecs-svc/2").length, 4);
    assert.deepEqual(w.service.deployments.map((d) => [d.id, d.rolloutState]), [["ecs-svc/2", "COMPLETED"]]);
  });

  it("early success, DEFERRED: complete once half the desired count is healthy on the new revision, the rollout going on after", () => {
    const w = steadyWorld({ desiredCount: 4, min: 100, max: 150 });
    const config = { ...w.service.deploymentConfiguration, earlySuccess: { healthyPercent: 50, cleanup: "DEFERRED" as const } };
    w.service = deploy({ ...w.service, deploymentConfiguration: config }, "ecs-svc/2", 2, w.nowMs);
    const completed = completes(w);
    assert.deepEqual(completed, { newRunning: 2, oldAlive: 4 }, "completed with 2 of 4 new tasks healthy, the previous ones still there");
    assert.deepEqual(w.service.deployments.map((d) => [d.id, d.rolloutState]), [["ecs-svc/2", "COMPLETED"], ["ecs-svc/1", "COMPLETED"]]);
    assert.equal(w.service.lastCompleted?.deploymentId, "ecs-svc/2");
    w.run(10);
    assert.equal(w.running("ecs-svc/2").length, 4);
    assert.deepEqual(w.service.deployments.map((d) => d.id), ["ecs-svc/2"]);
  });

  it("early success, BLOCKING: complete once the previous tasks are gone and half the count is healthy, before the rest are", () => {
    const w = steadyWorld({ desiredCount: 4, min: 50, max: 100 });
    const config = { ...w.service.deploymentConfiguration, earlySuccess: { healthyPercent: 50, cleanup: "BLOCKING" as const } };
    w.service = deploy({ ...w.service, deploymentConfiguration: config }, "ecs-svc/2", 2, w.nowMs);
    assert.deepEqual(completes(w), { newRunning: 2, oldAlive: 0 }, "completed with the previous tasks gone and 2 of 4 new tasks healthy");
    w.run(10);
    assert.equal(w.running("ecs-svc/2").length, 4);
  });

  it("100/200: starts four new tasks, then stops the four old ones once the new are healthy", () => {
    const { w, steps } = stepCounts({ min: 100, max: 200 });
    assert.deepEqual(steps, [
      { starts: 4, stops: 0 },
      { starts: 0, stops: 4 },
    ]);
    assert.equal(w.running("ecs-svc/2").length, 4);
  });

  it("waits for new tasks without health checks to run for the settle time before stopping old ones", () => {
    const w = new World(aService({ desiredCount: 2 }), [anInstance("i1")], 40_000);
    w.settle(200);
    w.service = deploy(w.service, "ecs-svc/2", 2, w.nowMs);
    w.apply(w.reconcile());
    w.advance(1000);
    w.apply(w.reconcile());
    assert.equal(w.reconcile().stops.length, 0, "new tasks RUNNING for 1 s are not yet healthy");
    w.advance(40_000);
    assert.equal(w.reconcile().stops.length, 2);
  });

  it("100/100 blocks the deployment and says so", () => {
    const w = steadyWorld({ desiredCount: 2, min: 100, max: 100 });
    w.service = deploy(w.service, "ecs-svc/2", 2, w.nowMs);
    const plan = w.reconcile();
    assert.equal(plan.starts.length + plan.stops.length, 0);
    assert.ok(plan.events.some((e) => e.includes("was unable to stop or start tasks during a deployment because of the service deployment configuration")));
  });
});

describe("service reconciler: draining and lost hosts", () => {
  it("starts replacements for tasks on a DRAINING instance before stopping them, within the maximum", () => {
    const w = steadyWorld({ desiredCount: 4 });
    w.instances = [anInstance("i1"), anInstance("i2", { status: "DRAINING" })];
    const onI2 = w.running().filter((t) => t.containerInstanceArn.endsWith("/i2")).length;
    const plan = w.reconcile();
    assert.equal(plan.starts[0]?.count, onI2);
    assert.equal(plan.stops.length, 0, "healthy tasks stay until replacements are healthy (min 100)");
    w.settle();
    assert.equal(w.alive().filter((t) => t.containerInstanceArn.endsWith("/i2")).length, 0);
    assert.equal(w.running().length, 4);
  });

  it("stops PENDING tasks on a DRAINING instance at once", () => {
    const pending = aTask({ instance: "i2", status: "PENDING" });
    const plan = reconcileService(input({ service: aService({ desiredCount: 1 }), tasks: [pending], instances: [anInstance("i1"), anInstance("i2", { status: "DRAINING" })] }));
    assert.deepEqual(plan.stops.map((s) => s.taskArn), [pending.arn]);
    assert.equal(plan.starts[0]?.count, 1);
  });

  const disconnected = (sinceMs: number) => anInstance("i2", { agentConnected: false, agentDisconnectedAtMs: 100_000 - sinceMs });
  it("records tasks STOPPED once their agent has been gone past the grace, and replaces them", () => {
    const tasks = [aTask({ instance: "i1" }), aTask({ instance: "i2" })];
    const plan = reconcileService(input({ service: aService({ desiredCount: 2 }), tasks, instances: [anInstance("i1"), disconnected(settings.lostAfterMs)] }));
    assert.deepEqual(plan.lost.map((l) => l.taskArn), [tasks[1]!.arn]);
    assert.match(plan.lost[0]!.reason, /disconnected for more than 15 seconds/);
    assert.equal(plan.starts[0]?.count, 1);
    assert.ok(plan.events.some((e) => e.startsWith("(service web) stopped 1 tasks whose container instance's agent was disconnected")));
  });

  it("after a server start, leaves tasks of an agent gone past the grace alone until the reattach window ends", () => {
    const tasks = [aTask({ instance: "i1" }), aTask({ instance: "i2" })];
    // Started at 40,000 (when it marked every agent away) with a 60 s reattach grace.
    const restarted = { ...settings, startedAtMs: 40_000, reattachGraceMs: 60_001 };
    const waiting = reconcileService(input({ service: aService({ desiredCount: 2 }), tasks, instances: [anInstance("i1"), disconnected(60_000)], settings: restarted }));
    assert.equal(waiting.lost.length + waiting.stops.length + waiting.starts.length, 0);
    const ended = reconcileService(input({ service: aService({ desiredCount: 2 }), tasks, instances: [anInstance("i1"), disconnected(60_000)], settings: restarted, nowMs: 100_001 }));
    assert.deepEqual(ended.lost.map((l) => l.taskArn), [tasks[1]!.arn]);
  });

  it("leaves tasks of an agent gone for less than the grace alone", () => {
    const tasks = [aTask({ instance: "i1" }), aTask({ instance: "i2" })];
    const plan = reconcileService(input({ service: aService({ desiredCount: 2 }), tasks, instances: [anInstance("i1"), disconnected(5_000)] }));
    assert.equal(plan.lost.length + plan.stops.length + plan.starts.length, 0);
  });
});

describe("service reconciler: failures", () => {
  it("throttles starts after repeated failures to start, with ECS's event, and resets on a new deployment", () => {
    const failed = Array.from({ length: 3 }, () => aTask({ status: "STOPPED", stopCode: "TaskFailedToStart" }));
    const plan = reconcileService(input({ service: aService({ desiredCount: 3 }), tasks: failed }));
    assert.equal(plan.service?.startFailures, 3);
    assert.equal(plan.service?.nextStartAtMs, 100_000 + 5_000);
    assert.ok(plan.events.includes("(service web) is unable to consistently start tasks successfully."));
    assert.equal(plan.starts.length, 0, "no start while throttled");
    const later = reconcileService(input({ service: { ...plan.service, version: 2 }, nowMs: 105_000 }));
    assert.equal(later.starts[0]?.count, 3, "starts again once the delay has passed");
    assert.equal(deploy(plan.service, "ecs-svc/2", 2, 0).startFailures, 0);
  });

  it("the circuit breaker fails a deployment at its threshold and rolls back to the last completed one", () => {
    const w = steadyWorld({ desiredCount: 4, breaker: true, rollback: true });
    w.failing.add("arn:aws:ecs:us-east-1:000000000000:task-definition/web:2");
    w.service = deploy(w.service, "ecs-svc/2", 2, w.nowMs);
    const events: string[] = [];
    for (let i = 0; i < 30; i++) {
      const plan = w.reconcile();
      events.push(...plan.events);
      w.apply(plan);
      w.advance(10_000);
    }
    assert.ok(events.includes("(service web) (deployment ecs-svc/2) deployment failed: tasks failed to start."), events.join("\n"));
    assert.ok(events.includes("(service web) rolling back to deployment ecs-svc/1."));
    const [primary, ...rest] = w.service.deployments;
    assert.equal(primary?.taskDefinitionArn.endsWith("web:1"), true);
    assert.equal(primary?.rolloutState, "COMPLETED");
    assert.match(primary?.rolloutStateReason ?? "", /completed/);
    assert.equal(rest.length, 0, "the failed deployment drained away");
    assert.equal(w.running().length, 4);
    assert.ok(w.running().every((t) => t.taskDefinitionArn.endsWith("web:1")));
  });

  it("a FAILED deployment without rollback starts nothing more", () => {
    const service = aService({ desiredCount: 4, breaker: true, deployments: [aDeployment({ failedTasks: 3 })] });
    const plan = reconcileService(input({ service }));
    assert.equal(plan.service?.deployments[0]?.rolloutState, "FAILED");
    assert.equal(plan.service?.deployments[0]?.rolloutStateReason, "ECS deployment circuit breaker: tasks failed to start.");
    assert.equal(plan.starts.length, 0);
  });

  it("replaces a task failing its container health checks after the grace period, not before", () => {
    const sick = aTask({ healthCheck: true, health: "UNHEALTHY", startedAtMs: 90_000 });
    const within = reconcileService(input({ service: aService({ desiredCount: 1, healthCheckGracePeriodSeconds: 30 }), tasks: [sick] }));
    assert.equal(within.stops.length, 0);
    const after = reconcileService(input({ service: aService({ desiredCount: 1, healthCheckGracePeriodSeconds: 5 }), tasks: [sick] }));
    assert.deepEqual(after.stops.map((s) => s.reason), ["Task failed container health checks."]);
    assert.ok(after.events.includes(`(service web) (task ${sick.id}) failed container health checks.`));
  });
});

describe("service reconciler: deletion and DAEMON", () => {
  it("a deleted service stops all its tasks regardless of the minimum, then becomes INACTIVE", () => {
    const w = steadyWorld({ desiredCount: 3 });
    w.service = { ...w.service, status: "DRAINING", desiredCount: 0 };
    assert.equal(w.reconcile().stops.length, 3);
    w.settle();
    assert.equal(w.service.status, "INACTIVE");
  });

  it("DAEMON: one task per eligible ACTIVE instance, none on DRAINING or non-matching ones", () => {
    const instances = [anInstance("i1"), anInstance("i2"), anInstance("i3", { status: "DRAINING" }), anInstance("i4", { daemonEligible: false })];
    const plan = reconcileService(input({ service: aService({ schedulingStrategy: "DAEMON", desiredCount: 0, min: 0, max: 100 }), instances }));
    assert.deepEqual(plan.starts.map((s) => [s.instanceArn?.split("/").pop(), s.count]), [["i1", 1], ["i2", 1]]);
    assert.equal(plan.service?.desiredCount, 2);
  });

  it("DAEMON: follows instances joining and draining, and replaces old revisions stop-first", () => {
    const w = new World(aService({ schedulingStrategy: "DAEMON", desiredCount: 0, min: 0, max: 100 }), [anInstance("i1")]);
    w.settle();
    assert.equal(w.running().length, 1);
    w.instances = [anInstance("i1"), anInstance("i2")];
    w.settle();
    assert.deepEqual(w.running().map((t) => t.containerInstanceArn.split("/").pop()).sort(), ["i1", "i2"]);
    w.instances = [anInstance("i1", { status: "DRAINING" }), anInstance("i2")];
    w.settle();
    assert.deepEqual(w.running().map((t) => t.containerInstanceArn.split("/").pop()), ["i2"]);
    w.service = deploy(w.service, "ecs-svc/2", 2, w.nowMs);
    const plan = w.reconcile();
    assert.equal(plan.stops.length, 1);
    assert.equal(plan.starts.length, 0, "the new task waits until the old one is STOPPED");
    w.settle();
    assert.deepEqual(w.running().map((t) => t.startedBy), ["ecs-svc/2"]);
  });
});
