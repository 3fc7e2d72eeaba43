import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HeldAnswers } from "./held-answers.js";
import type { MetricDataResult } from "./metric-data-output.js";

const answer = (datapoints: number): MetricDataResult[] => [{ Id: "m", Label: "m", timesMs: new Float64Array(datapoints), values: new Float64Array(datapoints), StatusCode: "Complete" }];

describe("GetMetricData's held answers", () => {
  it("gives back what it holds until it is dropped", () => {
    const held = new HeldAnswers();
    const a = answer(3);
    held.hold("a", a);
    assert.equal(held.get("a"), a);
    assert.equal(held.get("b"), undefined);
    held.drop("a");
    assert.equal(held.get("a"), undefined);
  });

  it("lets an answer go once it is older than the limit", () => {
    let now = 0;
    const held = new HeldAnswers({ datapoints: 100, ms: 1_000 }, () => now);
    held.hold("a", answer(1));
    now = 500;
    held.hold("b", answer(1));
    now = 999;
    assert.ok(held.get("a") && held.get("b"));
    now = 1_000;
    assert.equal(held.get("a"), undefined);
    assert.ok(held.get("b"), "b was held later");
    now = 1_500;
    assert.equal(held.get("b"), undefined);
  });

  it("holds at most the limit's datapoints, pushing out the oldest, and never an answer larger than the limit", () => {
    const held = new HeldAnswers({ datapoints: 10, ms: 60_000 }, () => 0);
    held.hold("a", answer(4));
    held.hold("b", answer(4));
    held.hold("a", answer(4)); // held again: now the newest
    held.hold("c", answer(4));
    assert.equal(held.get("b"), undefined, "the oldest went");
    assert.ok(held.get("a") && held.get("c"));
    held.hold("big", answer(11));
    assert.equal(held.get("big"), undefined);
    assert.ok(held.get("a") && held.get("c"), "an answer too large to hold pushes nothing out");
    held.drop("a");
    held.hold("d", answer(6));
    assert.ok(held.get("c") && held.get("d"), "a dropped answer's datapoints are free again");
  });
});
