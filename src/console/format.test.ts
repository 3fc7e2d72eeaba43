import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ago, count, familyRevisionOf, idOf, targetGroupNameOf, taskDefinitionOf, timeOf } from "./format.js";

describe("console formatting", () => {
  it("takes ids and names from ARNs", () => {
    assert.equal(idOf("arn:aws:ecs:us-east-1:123456789012:task/default/0f3c9a"), "0f3c9a");
    assert.equal(idOf("arn:aws:ecs:us-east-1:123456789012:container-instance/default/ab12"), "ab12");
    assert.equal(idOf("arn:aws:ecs:us-east-1:123456789012:cluster/default"), "default");
    assert.equal(idOf("plain"), "plain");
    assert.equal(idOf(undefined), "");
    assert.equal(taskDefinitionOf("arn:aws:ecs:us-east-1:123456789012:task-definition/web:7"), "web:7");
    assert.deepEqual(familyRevisionOf("arn:aws:ecs:us-east-1:123456789012:task-definition/web:7"), { family: "web", revision: 7 });
    assert.equal(familyRevisionOf("web"), undefined);
    assert.equal(targetGroupNameOf("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/8908d9d90d194b29"), "web-tg");
    assert.equal(targetGroupNameOf("web-tg"), "web-tg");
    assert.equal(targetGroupNameOf(undefined), "");
  });

  it("writes times in UTC to the second, and how long ago", () => {
    const at = new Date(Date.UTC(2026, 10, 30, 3, 50, 12, 345));
    assert.equal(timeOf(at), "2026-11-30 03:50:12");
    assert.equal(timeOf(undefined), "");
    const now = at.getTime();
    assert.equal(ago(at, now + 12_000), "12 s ago");
    assert.equal(ago(at, now + 3 * 60_000 + 5000), "3 min ago");
    assert.equal(ago(at, now + 2 * 3_600_000), "2 h ago");
    assert.equal(ago(at, now + 4 * 86_400_000), "4 d ago");
    assert.equal(ago(at, now - 5000), "0 s ago", "a clock a little behind the server's is not 'in the future'");
  });

  it("writes missing numbers as a dash, not 0", () => {
    assert.equal(count(undefined), "–");
    assert.equal(count(0), "0");
  });
});
