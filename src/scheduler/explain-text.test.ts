import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { failureDetail, sentence, serviceUnableToPlace, summaryText } from "./explain-text.js";
import { FailureReason } from "./reasons.js";
import type { PlacementExplanation } from "./types.js";

const anExplanation = (overrides: Partial<PlacementExplanation> = {}): PlacementExplanation => ({
  unplacedCount: 1,
  instancesConsidered: 3,
  reasons: [
    { reason: FailureReason.memberOf, count: 2, constraint: "attribute:zone == b" },
    { reason: FailureReason.distinctInstance, count: 1 },
  ],
  closest: { instanceId: "i1", instanceArn: "arn:i1", failed: [FailureReason.distinctInstance, FailureReason.memberOf], phrase: 'encountered error "DistinctInstance placement constraint unsatisfied."' },
  summary: "",
  ...overrides,
});

/** No "..", no ". ." and no sentence that starts in lower case after a period. */
function assertWellFormed(text: string): void {
  assert.doesNotMatch(text, /\.\./, text);
  assert.doesNotMatch(text, /\.\s*\./, text);
  assert.doesNotMatch(text, /[a-z0-9)]\s+[A-Z][a-z]+ to place/, text);
  assert.match(text, /[^.]\.$/, text);
}

describe("placement explanation text", () => {
  it("sentence() capitalises and ends with exactly one period", () => {
    assert.equal(sentence("already runs 1 task(s) of family:sleeper"), "Already runs 1 task(s) of family:sleeper.");
    assert.equal(sentence("MemberOf placement constraint unsatisfied."), "MemberOf placement constraint unsatisfied.");
    assert.equal(sentence("x..  "), "X.");
  });

  it("the summary is sentences without doubled periods, even with ECS's reasons that end in one", () => {
    const summary = summaryText({ requested: 2, placed: 1 }, anExplanation(), "already runs 1 task(s) of family:sleeper");
    assertWellFormed(summary);
    assert.match(summary, /^Unable to place 1 of 2 tasks: no container instance met all of its requirements\. 3 instances considered, rejected for: 2 MemberOf placement constraint unsatisfied \(attribute:zone == b\), 1 DistinctInstance placement constraint unsatisfied\. The closest matching/);
  });

  it("RunTask's detail puts the instance's own reason in a sentence before the summary", () => {
    const detail = failureDetail("already runs 1 task(s) of family:sleeper", "Unable to place 1 of 1 task: No Container Instances were found in your cluster.");
    assert.equal(detail, "Already runs 1 task(s) of family:sleeper. Unable to place 1 of 1 task: No Container Instances were found in your cluster.");
    assertWellFormed(detail ?? "");
  });

  it("the service event uses the same breakdown", () => {
    const event = serviceUnableToPlace("web", anExplanation());
    assertWellFormed(event);
    assert.match(event, /^\(service web\) was unable to place a task because no container instance met all of its requirements\. The closest matching \(container-instance i1\)/);
    assert.match(event, /Berth: 3 instances considered, rejected for: 2 MemberOf placement constraint unsatisfied \(attribute:zone == b\), 1 DistinctInstance placement constraint unsatisfied\.$/);
    assert.equal(serviceUnableToPlace("web", undefined), "(service web) was unable to place a task. Reason: No Container Instances were found in your cluster.");
  });
});
