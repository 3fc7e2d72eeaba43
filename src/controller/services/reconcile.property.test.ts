import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { replicaBounds } from "./replica.js";
import { aService, anInstance, deploy, World } from "./testing.js";
import { isEmptyPlan } from "./types.js";

/**
 * The task-count bounds ECS documents for a rolling (ECS) deployment (DeploymentConfiguration in the
 * API reference): RUNNING + PENDING tasks at most `maximumPercent` of desiredCount *rounded down*,
 * RUNNING healthy tasks at least `minimumHealthyPercent` of desiredCount *rounded up*. Written out
 * by hand, row by row, so that the reconciler is held to ECS's rule and not to its own arithmetic.
 */
const documentedBounds: readonly { desired: number; min: number; max: number; floor: number; ceiling: number; why: string }[] = [
  { desired: 4, min: 50, max: 200, floor: 2, ceiling: 8, why: "the API reference's example: stop two, start four" },
  { desired: 4, min: 100, max: 200, floor: 4, ceiling: 8, why: "REPLICA defaults" },
  { desired: 4, min: 25, max: 100, floor: 1, ceiling: 4, why: "room only by stopping" },
  { desired: 4, min: 100, max: 125, floor: 4, ceiling: 5, why: "one extra task at a time" },
  { desired: 3, min: 50, max: 200, floor: 2, ceiling: 6, why: "1.5 healthy rounds up to 2" },
  { desired: 3, min: 100, max: 150, floor: 3, ceiling: 4, why: "4.5 alive rounds down to 4" },
  { desired: 5, min: 75, max: 125, floor: 4, ceiling: 6, why: "3.75 up to 4; 6.25 down to 6" },
  { desired: 7, min: 33, max: 110, floor: 3, ceiling: 7, why: "2.31 up to 3; 7.7 down to 7: no room above desired" },
  { desired: 10, min: 90, max: 110, floor: 9, ceiling: 11, why: "exact percentages need no rounding" },
  // desiredCount 1: any minimum above 0 rounds up to the one task, any maximum below 200 down to it.
  { desired: 1, min: 100, max: 200, floor: 1, ceiling: 2, why: "one task, defaults: start the new one first" },
  { desired: 1, min: 50, max: 200, floor: 1, ceiling: 2, why: "half a task rounds up to the whole task" },
  { desired: 1, min: 1, max: 199, floor: 1, ceiling: 1, why: "blocked: neither a stop nor a start is allowed" },
  { desired: 1, min: 0, max: 100, floor: 0, ceiling: 1, why: "stop first, then start (a DAEMON's 0/100 per instance)" },
  // desiredCount 0: nothing to keep, nothing to start, whatever the percents.
  { desired: 0, min: 100, max: 200, floor: 0, ceiling: 0, why: "scaled to zero" },
  { desired: 0, min: 0, max: 100, floor: 0, ceiling: 0, why: "scaled to zero, DAEMON percents" },
  // DAEMON defaults (minimumHealthyPercent 0, maximumPercent 100): never more than one per instance.
  { desired: 6, min: 0, max: 100, floor: 0, ceiling: 6, why: "DAEMON defaults over six instances" },
];

/**
 * An oracle independent of `replicaBounds`: the rounding done by counting, in integers, with no
 * floating point. The ceiling is the largest n with n·100 ≤ desired·max; the floor the smallest n
 * with n·100 ≥ desired·min.
 */
function oracleBounds(desired: number, min: number, max: number): { floor: number; ceiling: number } {
  let ceiling = 0;
  while ((ceiling + 1) * 100 <= desired * max) ceiling++;
  let floor = 0;
  while (floor * 100 < desired * min) floor++;
  return { floor, ceiling };
}

describe("service reconciler: the bounds ECS documents", () => {
  for (const row of documentedBounds) {
    it(`desired ${row.desired}, ${row.min}%/${row.max}% → at least ${row.floor} healthy, at most ${row.ceiling} alive (${row.why})`, () => {
      assert.deepEqual(replicaBounds(row.desired, row.min, row.max), { minHealthy: row.floor, maxAlive: row.ceiling });
      assert.deepEqual(oracleBounds(row.desired, row.min, row.max), { floor: row.floor, ceiling: row.ceiling }, "the oracle agrees with the table");
    });
  }

  it("for any desired count and percents the API accepts, the bounds are the oracle's", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 100, max: 200 }), (desired, min, max) => {
        const { floor, ceiling } = oracleBounds(desired, min, max);
        assert.deepEqual(replicaBounds(desired, min, max), { minHealthy: floor, maxAlive: ceiling });
      }),
      { numRuns: 500 },
    );
  });
});

/**
 * Invariants of rolling deployments on a model cluster where agents act at random moments: any
 * subset of tasks may progress between two reconciles. The bounds come from the oracle, never from
 * the implementation.
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
    const { floor, ceiling } = oracleBounds(desired, min, max);
    return ceiling > desired || floor < desired;
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
        const { ceiling: maxAlive, floor: minHealthy } = oracleBounds(desired, min, max);
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
