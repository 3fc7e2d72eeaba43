import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sameJson } from "./same-json.js";

describe("sameJson", () => {
  it("agrees with comparing JSON.stringify results, up to member order", () => {
    const report = { taskArn: "t", status: "RUNNING", containers: [{ name: "app", status: "RUNNING", networkBindings: [{ hostPort: 80 }] }] };
    assert.equal(sameJson(report, structuredClone(report)), true);
    assert.equal(sameJson({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }), true, "member order does not matter");
    assert.equal(sameJson({ a: 1, gone: undefined }, { a: 1 }), true, "an undefined member is an absent one, as in JSON");
    assert.equal(sameJson({ a: 1 }, { a: 1, gone: undefined }), true);
  });

  it("sees every difference JSON would show", () => {
    const report = { taskArn: "t", status: "RUNNING", containers: [{ name: "app", exitCode: 0 }] };
    assert.equal(sameJson(report, { ...report, status: "PENDING" }), false);
    assert.equal(sameJson(report, { ...report, containers: [{ name: "app", exitCode: 1 }] }), false);
    assert.equal(sameJson(report, { ...report, containers: [{ name: "app" }] }), false, "a member missing");
    assert.equal(sameJson(report, { ...report, containers: [{ name: "app", exitCode: 0, reason: "x" }] }), false, "a member more");
    assert.equal(sameJson(report, { ...report, containers: [] }), false);
    assert.equal(sameJson([1, 2], { 0: 1, 1: 2 }), false, "an array is not an object");
    assert.equal(sameJson({ 0: 1, 1: 2 }, [1, 2]), false);
    assert.equal(sameJson(null, {}), false);
    assert.equal(sameJson(report, undefined), false);
    assert.equal(sameJson("1", 1), false);
  });
});
