import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { steadyNoticeEveryMs } from "./deployment-rules.js";
import { reconcileService } from "./reconcile.js";
import { aService, anInstance, deploy, World } from "./testing.js";
import { isEmptyPlan } from "./types.js";
import { wakeAtMs } from "./wake-at.js";

const instances = () => [anInstance("i1"), anInstance("i2")];

/** A world of `desired` tasks reconciled until nothing moves (one COMPLETED deployment, steady notice given). */
function aSteadyWorld(desired: number): World {
  const w = new World(aService({ desiredCount: desired }), instances());
  w.settle(100);
  return w;
}

const wakeAt = (w: World) => wakeAtMs(w.input(), w.reconcile());

describe("wakeAtMs: when the runner must look at a service again if nothing of its own changes", () => {
  it("a steady service: when the steady-state notice is due again, six hours on", () => {
    const w = aSteadyWorld(3);
    assert.equal(w.running().length, 3);
    assert.equal(wakeAt(w), w.service.steadyNoticeAtMs! + steadyNoticeEveryMs);
  });

  it("on every tick while a deployment is in progress, or its count is not the desired count", () => {
    const w = aSteadyWorld(2);
    w.service = deploy(w.service, "ecs-svc/2", 2, w.nowMs);
    assert.equal(wakeAt(w), w.nowMs, "a second deployment");
    const v = aSteadyWorld(2);
    v.service = { ...v.service, desiredCount: 3 };
    assert.equal(wakeAt(v), v.nowMs, "one task short");
  });

  it("when a RUNNING task without health checks ages into healthy", () => {
    const w = new World(aService({ desiredCount: 2 }), instances(), 40_000);
    w.settle(100);
    w.nowMs += 40_000;
    w.settle(100);
    const since = w.nowMs;
    w.tasks = w.tasks.map((t, i) => (i === 0 ? { ...t, known: { ...t.known!, startedAtMs: since - 1_000 } } : t));
    assert.equal(wakeAt(w), since - 1_000 + 40_000);
  });

  it("when the agent of one of its hosts becomes lost; another instance's agent does not matter to a REPLICA service", () => {
    const w = aSteadyWorld(1);
    const host = w.tasks[0]!.containerInstanceArn;
    const away = (arn: string) => (w.instances = w.instances.map((i) => (i.arn === arn ? { ...i, agentConnected: false, agentDisconnectedAtMs: w.nowMs } : i)));
    const free = w.instances.find((i) => i.arn !== host)!.arn;
    away(free);
    assert.equal(wakeAt(w), w.service.steadyNoticeAtMs! + steadyNoticeEveryMs);
    away(host);
    assert.equal(wakeAt(w), w.nowMs + 15_000);
  });

  it("on every tick while a task fails its target health checks inside the grace period", () => {
    const w = aSteadyWorld(1);
    w.service = { ...w.service, healthCheckGracePeriodSeconds: 60 };
    w.tasks = w.tasks.map((t) => ({ ...t, targetHealth: "UNHEALTHY" as const }));
    assert.ok(isEmptyPlan(w.reconcile()), "inside the grace period nothing is replaced yet");
    assert.equal(wakeAt(w), w.nowMs);
  });

  /**
   * The property the runner relies on: a reconcile of the same state at any moment before the wake
   * time plans nothing. Worlds evolve by random agent steps, deployments, scaling, agents
   * disconnecting and coming back, and targets failing.
   */
  it("before the wake time, time alone changes nothing", () => {
    let waitingSeen = 0;
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
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 5 }),
        (desired, healthyAfterMs, ops, fractions) => {
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
            const at = wakeAtMs(w.input(), plan);
            if (at > w.nowMs) {
              waitingSeen++;
              for (const later of fractions.map((f) => Math.floor(w.nowMs + f * (at - 1 - w.nowMs)))) {
                const again = reconcileService({ ...w.input(), nowMs: later });
                assert.ok(isEmptyPlan(again), `waiting until ${at} at ${w.nowMs}, yet at ${later}: ${JSON.stringify(again)}`);
              }
            }
            w.apply(plan);
            w.advance(1000);
          }
        },
      ),
      { numRuns: 400 },
    );
    assert.ok(waitingSeen > 200, `the worlds waited only ${waitingSeen} times: the property was hardly tried`);
  });
});
