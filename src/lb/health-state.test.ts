import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { codeMatches, newCheckState, nextCheckState, restoredCheckState, settledHealth, type CheckResult, type CheckState } from "./health-state.js";

const ok: CheckResult = { ok: true };
const code500: CheckResult = { ok: false, kind: "code", code: 500 };
const thresholds = { healthyThreshold: 3, unhealthyThreshold: 2 };
const run = (results: readonly CheckResult[], from: CheckState = newCheckState): CheckState => results.reduce((s, r) => nextCheckState(s, r, thresholds), from);

describe("target health from health checks", () => {
  it("stays initial until the healthy threshold of consecutive successes", () => {
    assert.equal(run([ok, ok]).health.state, "initial");
    assert.equal(run([ok, ok]).health.reason, "Elb.InitialHealthChecking");
    assert.equal(run([ok, ok, ok]).health.state, "healthy");
    assert.equal(run([ok, code500, ok, ok]).health.state, "initial");
  });

  it("turns unhealthy after the unhealthy threshold, with ELB's reason for the last failure", () => {
    const healthy = run([ok, ok, ok]);
    assert.equal(run([code500], healthy).health.state, "healthy");
    const sick = run([code500, code500], healthy).health;
    assert.deepEqual(sick, { state: "unhealthy", reason: "Target.ResponseCodeMismatch", description: "Health checks failed with these codes: [500]" });
    assert.equal(run([code500, { ok: false, kind: "timeout" }], healthy).health.reason, "Target.Timeout");
    assert.equal(run([code500, { ok: false, kind: "connection" }], healthy).health.reason, "Target.FailedHealthChecks");
  });

  it("comes back only after the healthy threshold again", () => {
    const sick = run([ok, ok, ok, code500, code500]);
    assert.equal(run([ok, ok], sick).health.state, "unhealthy");
    assert.equal(run([ok, ok, ok], sick).health.state, "healthy");
  });

  const matchers: [string, number, boolean][] = [
    ["200", 200, true],
    ["200", 204, false],
    ["200,202", 202, true],
    ["200-299", 299, true],
    ["200-299", 301, false],
    ["200-299,404", 404, true],
  ];
  for (const [m, code, want] of matchers) it(`matcher ${m} ${want ? "accepts" : "refuses"} ${code}`, () => assert.equal(codeMatches(m, code), want));
});

describe("health kept across a server restart", () => {
  it("keeps only settled states, with since when", () => {
    assert.equal(settledHealth(newCheckState.health, 5), undefined);
    assert.deepEqual(settledHealth(run([ok, ok, ok]).health, 5), { state: "healthy", sinceMs: 5 });
    assert.deepEqual(settledHealth(run([code500, code500]).health, 5), { state: "unhealthy", reason: "Target.ResponseCodeMismatch", description: "Health checks failed with these codes: [500]", sinceMs: 5 });
  });

  it("a healthy target starts healthy and stays so through a first failure (no flap to initial)", () => {
    const restored = restoredCheckState({ state: "healthy", sinceMs: 1 });
    assert.equal(restored.health.state, "healthy");
    assert.equal(run([code500], restored).health.state, "healthy");
    assert.equal(run([code500, code500], restored).health.reason, "Target.ResponseCodeMismatch");
  });

  it("an unhealthy target starts unhealthy with its reason, and needs its healthy threshold again", () => {
    const restored = restoredCheckState({ state: "unhealthy", reason: "Target.Timeout", description: "Request timed out", sinceMs: 1 });
    assert.deepEqual(restored.health, { state: "unhealthy", reason: "Target.Timeout", description: "Request timed out" });
    assert.equal(run([ok, ok], restored).health.state, "unhealthy");
    assert.equal(run([ok, ok, ok], restored).health.state, "healthy");
  });

  it("nothing kept: initial", () => assert.deepEqual(restoredCheckState(undefined), newCheckState));
});
