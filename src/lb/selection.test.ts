import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { affinityIndex, chooseTarget, slowStartFloor, slowStartWeight, type Candidate, type SelectionPolicy } from "./selection.js";

const rr: SelectionPolicy = { algorithm: "round_robin", slowStartMs: 0 };
const c = (healthySinceMs: number, inFlight = 0): Candidate => ({ healthySinceMs, inFlight });

describe("slow start: a newly healthy target's share ramps linearly", () => {
  const cases: readonly [string, number, number][] = [
    ["off: full share at once", 0, 1],
    ["a quarter of the way in: a quarter", 25_000, 0.25],
    ["half way: half", 50_000, 0.5],
    ["done: full share", 100_000, 1],
    ["long after: full share", 1_000_000, 1],
    ["just healthy: the floor, so that it gets its first requests", 0, slowStartFloor],
  ];
  for (const [name, elapsed, want] of cases) {
    it(name, () => {
      const duration = name.startsWith("off") ? 0 : 100_000;
      assert.equal(slowStartWeight(c(1_000), duration, 1_000 + elapsed), want);
    });
  }
});

describe("choosing a target", () => {
  it("round robin by the cursor", () => {
    const cs = [c(0), c(0), c(0)];
    assert.deepEqual([0, 1, 2, 3, 4].map((cursor) => chooseTarget(cs, rr, { nowMs: 0, cursor, random: 0.99 })), [0, 1, 2, 0, 1]);
  });

  it("least outstanding requests: among the least loaded, in turn", () => {
    const cs = [c(0, 3), c(0, 1), c(0, 5), c(0, 1)];
    const lor: SelectionPolicy = { algorithm: "least_outstanding_requests", slowStartMs: 60_000 };
    assert.deepEqual([0, 1, 2].map((cursor) => chooseTarget(cs, lor, { nowMs: 0, cursor, random: 0 })), [1, 3, 1]);
  });

  it("slow start: a target that just became healthy gets its share by weight, growing over the duration", () => {
    const policy: SelectionPolicy = { algorithm: "round_robin", slowStartMs: 100_000 };
    const share = (nowMs: number): number => {
      const cs = [c(-1_000_000), c(-1_000_000), c(-1_000_000), c(0)];
      let newcomer = 0;
      const n = 10_000;
      for (let i = 0; i < n; i++) if (chooseTarget(cs, policy, { nowMs, cursor: i, random: i / n }) === 3) newcomer++;
      return newcomer / n;
    };
    // Full share is 1/4; at 0.25 of the duration its weight is 0.25 of the others': 0.25 / 3.25.
    assert.ok(Math.abs(share(25_000) - 0.25 / 3.25) < 0.01, String(share(25_000)));
    assert.ok(Math.abs(share(50_000) - 0.5 / 3.5) < 0.01, String(share(50_000)));
    assert.ok(share(10_000) < share(50_000) && share(50_000) < share(90_000));
    assert.equal(share(100_000), 0.25);
  });

  it("slow start: when every target is new, they share equally (round robin)", () => {
    const policy: SelectionPolicy = { algorithm: "round_robin", slowStartMs: 100_000 };
    const cs = [c(0), c(10), c(20)];
    assert.deepEqual([0, 1, 2].map((cursor) => chooseTarget(cs, policy, { nowMs: 30, cursor, random: 0 })), [0, 1, 2]);
  });

  it("one candidate: always it", () => {
    assert.equal(chooseTarget([c(0)], { algorithm: "round_robin", slowStartMs: 100_000 }, { nowMs: 1, cursor: 7, random: 0.5 }), 0);
  });
});

describe("source_ip stickiness: a client address's target by rendezvous hashing", () => {
  const addresses = Array.from({ length: 2000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.7`);
  const keys = ["10.0.1.5:80", "10.0.1.6:80", "10.0.1.7:80", "10.0.1.8:80"];
  const of = (ks: readonly string[]) => addresses.map((a) => ks[affinityIndex(ks, a)]);

  it("the same address, the same target, whatever the targets' order", () => {
    const once = of(keys);
    assert.deepEqual(of(keys), once);
    assert.deepEqual(of([...keys].reverse()), once);
    assert.equal(affinityIndex([], "10.0.0.1"), -1);
  });

  it("spreads addresses about evenly", () => {
    const counts = keys.map((k) => of(keys).filter((t) => t === k).length);
    assert.ok(counts.every((n) => n > 350 && n < 650), counts.join(" "));
  });

  it("a target leaving moves only its own clients; one joining takes only those it wins", () => {
    const before = of(keys);
    const without = of(keys.slice(0, 3));
    addresses.forEach((_, i) => before[i] !== keys[3] && assert.equal(without[i], before[i]));
    const joined = of([...keys, "10.0.1.9:80"]);
    addresses.forEach((_, i) => joined[i] !== "10.0.1.9:80" && assert.equal(joined[i], before[i]));
    assert.ok(joined.filter((t) => t === "10.0.1.9:80").length > 250);
  });
});
