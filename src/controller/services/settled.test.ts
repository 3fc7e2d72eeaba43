import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { steadyNoticeEveryMs } from "./deployment-rules.js";
import { reconcileService } from "./reconcile.js";
import { isSettled } from "./settled.js";
import { aService, anInstance, deploy, World } from "./testing.js";
import { isEmptyPlan } from "./types.js";

const instances = () => [anInstance("i1"), anInstance("i2")];

/** A world of `desired` tasks reconciled until nothing moves (one COMPLETED deployment, steady notice given). */
function aSteadyWorld(desired: number, healthyAfterMs = 0): World {
  const w = new World(aService({ desiredCount: desired }), instances(), healthyAfterMs);
  w.settle(100);
  w.nowMs += healthyAfterMs;
  w.settle(100);
  return w;
}

const settledNow = (w: World) => isSettled(w.input(), w.reconcile());

describe("isSettled: a service the runner may leave until something of its own changes", () => {
  it("a steady service is settled", () => {
    const w = aSteadyWorld(3);
    assert.equal(w.running().length, 3);
    assert.equal(settledNow(w), true);
  });

  it("not while a deployment is in progress, nor while its count is not the desired count", () => {
    const w = aSteadyWorld(2);
    w.service = deploy(w.service, "ecs-svc/2", 2, w.nowMs);
    assert.equal(settledNow(w), false, "a second deployment");
    const v = aSteadyWorld(2);
    v.service = { ...v.service, desiredCount: 3 };
    assert.equal(settledNow(v), false, "one task short");
  });

  it("not while a RUNNING task waits out the healthy-after time, which only the clock ends", () => {
    const w = new World(aService({ desiredCount: 2 }), instances(), 40_000);
    w.settle(100);
    const since = Math.max(...w.running().map((t) => t.known!.startedAtMs!));
    w.nowMs = since + 39_999;
    w.settle(1);
    assert.equal(settledNow(w), false);
    w.nowMs = since + 40_000;
    w.settle(100);
    assert.equal(settledNow(w), true);
  });

  it("not while an agent of its cluster is disconnected but not yet lost, even with none of its tasks", () => {
    const w = aSteadyWorld(1);
    const free = w.instances.find((i) => !w.tasks.some((t) => t.containerInstanceArn === i.arn))!;
    w.instances = w.instances.map((i) => (i === free ? { ...i, agentConnected: false, agentDisconnectedAtMs: w.nowMs } : i));
    assert.equal(settledNow(w), false);
    w.nowMs += 15_000;
    assert.equal(settledNow(w), true, "once lost past --agent-lost-after, the instance is out of every rule");
  });

  it("not while a task fails its target health checks inside the grace period", () => {
    const w = aSteadyWorld(1);
    w.service = { ...w.service, healthCheckGracePeriodSeconds: 60 };
    w.tasks = w.tasks.map((t) => ({ ...t, targetHealth: "UNHEALTHY" as const }));
    assert.ok(isEmptyPlan(w.reconcile()), "inside the grace period nothing is replaced yet");
    assert.equal(settledNow(w), false);
  });

  /**
   * The property the runner relies on: once a reconcile finds a service settled, a reconcile of the
   * same state at any later moment plans nothing, short of the steady-state notice every six hours
   * (the safety sweep brings that). Worlds evolve by random agent steps, deployments, scaling,
   * agents disconnecting and coming back, and targets failing.
   */
  it("once settled, time alone changes nothing", () => {
    let settledSeen = 0;
    const op = fc.record({
      kind: fc.constantFrom("advance", "advance", "deploy", "scale", "disconnect", "reconnect", "targets-fail", "targets-pass"),
      which: fc.nat(),
      ms: fc.integer({ min: 0, max: 60_000 }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom(0, 40_000),
        fc.array(op, { maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: steadyNoticeEveryMs }), { minLength: 1, maxLength: 5 }),
        (desired, healthyAfterMs, ops, laters) => {
          const w = new World(aService({ desiredCount: desired, min: 50, max: 200 }), [...instances(), anInstance("i3")], healthyAfterMs);
          let revision = 1;
          for (const o of ops) {
            const i = o.which % w.instances.length;
            const task = w.tasks[o.which % Math.max(1, w.tasks.length)];
            if (o.kind === "advance") w.advance(o.ms, (t) => (t.arn.length + o.which) % 2 === 0);
            if (o.kind === "deploy") w.service = deploy(w.service, `ecs-svc/${++revision}`, revision, w.nowMs);
            if (o.kind === "scale") w.service = { ...w.service, desiredCount: o.which % 6 };
            if (o.kind === "disconnect") w.instances = w.instances.map((x, j) => (j === i ? { ...x, agentConnected: false, agentDisconnectedAtMs: w.nowMs } : x));
            if (o.kind === "reconnect") w.instances = w.instances.map((x, j) => (j === i ? { ...x, agentConnected: true, agentDisconnectedAtMs: undefined } : x));
            if (o.kind.startsWith("targets") && task) w.tasks = w.tasks.map((t) => (t === task ? { ...t, targetHealth: o.kind === "targets-fail" ? "UNHEALTHY" : "HEALTHY" } : t));
            const plan = w.reconcile();
            if (isSettled(w.input(), plan)) {
              settledSeen++;
              const noticeDueMs = (w.service.steadyNoticeAtMs ?? w.nowMs) + steadyNoticeEveryMs;
              for (const later of laters.map((ms) => w.nowMs + ms).filter((at) => at < noticeDueMs)) {
                const again = reconcileService({ ...w.input(), nowMs: later });
                assert.ok(isEmptyPlan(again), `settled at ${w.nowMs}, yet at ${later}: ${JSON.stringify(again)}`);
              }
            }
            w.apply(plan);
            w.advance(1000);
          }
        },
      ),
      { numRuns: 400 },
    );
    assert.ok(settledSeen > 200, `the worlds were settled only ${settledSeen} times: the property was hardly tried`);
  });
});
