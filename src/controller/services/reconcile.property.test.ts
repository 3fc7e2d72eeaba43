import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { replicaBounds } from "./replica.js";
import { aService, anInstance, deploy, World } from "./testing.js";
import { isEmptyPlan } from "./types.js";

/**
 * Invariants of rolling deployments on a model cluster where agents act at random moments: any
 * subset of tasks may progress between two reconciles.
 */
const scenario = fc
  .record({
    desired: fc.integer({ min: 1, max: 12 }),
    min: fc.constantFrom(0, 25, 50, 75, 100),
    max: fc.constantFrom(100, 125, 150, 200),
    instances: fc.integer({ min: 1, max: 4 }),
    seed: fc.integer(),
  })
  .filter(({ desired, min, max }) => {
    // A configuration that leaves no room to move is refused by design (the blocked event); skip it.
    const { maxAlive, minHealthy } = replicaBounds(desired, min, max);
    return maxAlive > desired || minHealthy < desired;
  });

/** A deterministic stream of coin flips from the seed. */
const coins = (seed: number) => {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % 3 !== 0;
  };
};

describe("service reconciler: properties", () => {
  it("during a deployment: alive tasks never above maximumPercent, RUNNING healthy never below minimumHealthyPercent; it completes", () => {
    fc.assert(
      fc.property(scenario, ({ desired, min, max, instances, seed }) => {
        const w = new World(aService({ desiredCount: desired, min, max }), Array.from({ length: instances }, (_, i) => anInstance(`i${i}`)));
        w.settle(100);
        assert.equal(w.running().length, desired);
        const { maxAlive, minHealthy } = replicaBounds(desired, min, max);
        w.service = deploy(w.service, "ecs-svc/2", 2, w.nowMs);
        const flip = coins(seed);
        for (let step = 0; step < 400 && !(w.service.deployments.length === 1 && w.service.deployments[0]?.rolloutState === "COMPLETED"); step++) {
          w.apply(w.reconcile());
          assert.ok(w.alive().length <= maxAlive, `alive ${w.alive().length} > max ${maxAlive} at step ${step}`);
          assert.ok(w.running().length >= minHealthy, `running ${w.running().length} < min ${minHealthy} at step ${step}`);
          w.advance(1000, () => flip());
          assert.ok(w.running().length >= minHealthy, `running ${w.running().length} < min ${minHealthy} after agents acted`);
        }
        assert.deepEqual(w.service.deployments.map((d) => [d.id, d.rolloutState]), [["ecs-svc/2", "COMPLETED"]]);
        assert.equal(w.running("ecs-svc/2").length, desired);
      }),
      { numRuns: 150 },
    );
  });

  it("reconciling the state its own plan produced plans nothing once agents are idle", () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 12 }), ({ desired, min, max, instances }, newDesired) => {
        const w = new World(aService({ desiredCount: desired, min, max }), Array.from({ length: instances }, (_, i) => anInstance(`i${i}`)));
        w.settle(100);
        w.service = { ...w.service, desiredCount: newDesired };
        w.settle(100);
        const plan = w.reconcile();
        assert.ok(isEmptyPlan(plan), JSON.stringify(plan));
        assert.ok(isEmptyPlan(w.reconcile()), "and again");
        assert.equal(w.running().length, newDesired);
      }),
      { numRuns: 150 },
    );
  });

  it("never starts a task twice for one missing task: total starts equal what was missing", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 5 }), (desired, instances) => {
        const w = new World(aService({ desiredCount: desired }), Array.from({ length: instances }, (_, i) => anInstance(`i${i}`)));
        let started = 0;
        for (let i = 0; i < 10; i++) {
          const plan = w.reconcile();
          started += plan.starts.reduce((n, s) => n + s.count, 0);
          w.apply(plan);
          if (i % 3 === 2) w.advance(1000);
        }
        assert.equal(started, desired);
      }),
    );
  });
});
