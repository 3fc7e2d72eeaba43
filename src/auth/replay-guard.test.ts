import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ReplayGuard } from "./replay-guard.js";

const t0 = Date.UTC(2026, 10, 21, 12, 0, 0);
const min = 60_000;

describe("ReplayGuard", () => {
  it("lets a signature through once and refuses it again while it is valid", () => {
    const guard = new ReplayGuard();
    assert.equal(guard.claim("sig-a", t0 + 15 * min, t0), "fresh");
    assert.equal(guard.claim("sig-a", t0 + 15 * min, t0 + 1), "replayed");
    assert.equal(guard.claim("sig-a", t0 + 15 * min, t0 + 14 * min), "replayed");
    assert.equal(guard.claim("sig-b", t0 + 15 * min, t0 + 14 * min), "fresh");
  });

  it("forgets signatures once they have expired, and only those", () => {
    const guard = new ReplayGuard();
    guard.claim("early", t0 + 15 * min, t0);
    guard.claim("late", t0 + 25 * min, t0 + 10 * min);
    assert.equal(guard.remembered, 2);
    guard.claim("probe", t0 + 40 * min, t0 + 17 * min);
    assert.equal(guard.remembered, 2, "early has expired (its minute is over), late and probe remain");
    assert.equal(guard.claim("late", t0 + 25 * min, t0 + 17 * min), "replayed");
  });

  it("never forgets a live signature to make room: when full it refuses new ones", () => {
    const guard = new ReplayGuard({ maxEntries: 2 });
    assert.equal(guard.claim("a", t0 + 15 * min, t0), "fresh");
    assert.equal(guard.claim("b", t0 + 15 * min, t0), "fresh");
    assert.equal(guard.claim("c", t0 + 15 * min, t0), "full");
    assert.equal(guard.claim("a", t0 + 15 * min, t0), "replayed");
    assert.equal(guard.claim("c", t0 + 30 * min, t0 + 17 * min), "fresh", "room again once a and b expired");
  });
});
