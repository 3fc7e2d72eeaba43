import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { imagePullBehaviors, pinnedReference, pullPlan, pullReference, type ImagePullBehavior, type PullPlan } from "./pull-policy.js";

describe("pullPlan", () => {
  // [behavior, cached, pulledBefore, plan]: every combination, so a new behaviour cannot slip through.
  const table: Array<[ImagePullBehavior, boolean, boolean, PullPlan]> = [
    ["default", false, false, "pull"],
    ["default", false, true, "pull"],
    ["default", true, false, "pull-or-cached"],
    ["default", true, true, "pull-or-cached"],
    ["always", false, false, "pull"],
    ["always", false, true, "pull"],
    ["always", true, false, "pull"],
    ["always", true, true, "pull"],
    ["once", false, false, "pull"],
    ["once", false, true, "pull"], // pulled once, then removed by image cleanup: pull again
    ["once", true, false, "pull"], // present, but not pulled by this agent
    ["once", true, true, "cached"],
    ["prefer-cached", false, false, "pull"],
    ["prefer-cached", false, true, "pull"],
    ["prefer-cached", true, false, "cached"],
    ["prefer-cached", true, true, "cached"],
  ];
  for (const [behavior, cached, pulledBefore, plan] of table) {
    it(`${behavior}, cached=${cached}, pulledBefore=${pulledBefore} → ${plan}`, () => {
      assert.equal(pullPlan(behavior, { cached, pulledBefore }), plan);
    });
  }

  it("the table covers every behaviour", () => {
    assert.deepEqual([...new Set(table.map((r) => r[0]))].sort(), [...imagePullBehaviors].sort());
  });
});

describe("pullReference", () => {
  const cases: Array<[string, string]> = [
    ["busybox", "busybox:latest"],
    ["busybox:1.36", "busybox:1.36"],
    ["library/busybox", "library/busybox:latest"],
    ["127.0.0.1:5000/app", "127.0.0.1:5000/app:latest"],
    ["127.0.0.1:5000/app:v2", "127.0.0.1:5000/app:v2"],
    ["repo@sha256:abc", "repo@sha256:abc"],
  ];
  for (const [image, ref] of cases) {
    it(`${image} → ${ref}`, () => assert.equal(pullReference(image), ref));
  }
});

describe("pinnedReference", () => {
  const d = `sha256:${"ab".repeat(32)}`;
  const cases: Array<[string, string]> = [
    ["busybox", `busybox@${d}`],
    ["busybox:1.36", `busybox@${d}`],
    ["127.0.0.1:5000/app", `127.0.0.1:5000/app@${d}`],
    ["127.0.0.1:5000/team/app:v2", `127.0.0.1:5000/team/app@${d}`],
    [`repo:v1@sha256:${"cd".repeat(32)}`, `repo@${d}`],
  ];
  for (const [image, ref] of cases) {
    it(`${image} → ${ref}`, () => assert.equal(pinnedReference(image, d), ref));
  }
});
