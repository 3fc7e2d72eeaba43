import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decideResume, resumeToken } from "./resume-token.js";

describe("exactly-once resumes over sequence tokens", () => {
  it("a first batch is accepted, and its end saved", () => {
    assert.deepEqual(decideResume(resumeToken("", "t1#5"), undefined), { accept: true, save: "t1#5" });
  });
  it("a batch that starts where the stream stands is accepted", () => {
    assert.deepEqual(decideResume(resumeToken("t1#5", "t2#1"), "t1#5"), { accept: true, save: "t2#1" });
  });
  it("a batch resent after a restart that lost the agent's cursor is refused, naming where to read on from", () => {
    assert.deepEqual(decideResume(resumeToken("t1#5", "t2#1"), "t2#1"), { accept: false, expected: "t2#1" });
    assert.deepEqual(decideResume(resumeToken("", "t1#5"), "t2#1"), { accept: false, expected: "t2#1" });
  });
  it("other clients' sequence tokens (or none) are ignored, as CloudWatch ignores them", () => {
    assert.deepEqual(decideResume(undefined, "t2#1"), { accept: true });
    assert.deepEqual(decideResume("49590302283627158930112", "t2#1"), { accept: true });
  });
});
