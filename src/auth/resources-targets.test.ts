import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { passedRolesOf, resourceOf } from "./resources.js";

const p = { region: "us-east-1", accountId: "123456789012" };

describe("IAM for EventBridge rules and Scheduler schedules", () => {
  it("a target's RoleArn is passed (iam:PassRole), for PutTargets and for Create/UpdateSchedule", () => {
    const targets = [{ Id: "a", RoleArn: "arn:aws:iam::123456789012:role/ecsEvents" }, { Id: "b", RoleArn: "arn:aws:iam::123456789012:role/ecsEvents" }, { Id: "c" }];
    assert.deepEqual(passedRolesOf("events", "PutTargets", { Rule: "r", Targets: targets }), ["arn:aws:iam::123456789012:role/ecsEvents"]);
    assert.deepEqual(passedRolesOf("events", "RemoveTargets", { Rule: "r", Ids: ["a"] }), []);
    for (const op of ["CreateSchedule", "UpdateSchedule"]) assert.deepEqual(passedRolesOf("scheduler", op, { Name: "s", Target: { RoleArn: "arn:aws:iam::123456789012:role/sched" } }), ["arn:aws:iam::123456789012:role/sched"]);
    assert.deepEqual(passedRolesOf("scheduler", "GetSchedule", { Name: "s" }), []);
  });

  it("names rules, schedules and schedule groups by their ARNs", () => {
    assert.equal(resourceOf("events", "PutRule", { Name: "nightly" }, p), "arn:aws:events:us-east-1:123456789012:rule/nightly");
    assert.equal(resourceOf("events", "PutTargets", { Rule: "nightly" }, p), "arn:aws:events:us-east-1:123456789012:rule/nightly");
    assert.equal(resourceOf("events", "ListRules", {}, p), "*");
    assert.equal(resourceOf("scheduler", "CreateSchedule", { Name: "s", GroupName: "jobs" }, p), "arn:aws:scheduler:us-east-1:123456789012:schedule/jobs/s");
    assert.equal(resourceOf("scheduler", "GetSchedule", { Name: "s" }, p), "arn:aws:scheduler:us-east-1:123456789012:schedule/default/s");
    assert.equal(resourceOf("scheduler", "DeleteScheduleGroup", { Name: "jobs" }, p), "arn:aws:scheduler:us-east-1:123456789012:schedule-group/jobs");
    assert.equal(resourceOf("scheduler", "ListSchedules", {}, p), "*");
  });
});
