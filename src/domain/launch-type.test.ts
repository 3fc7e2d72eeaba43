import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkKnownLaunchType, checkLaunchType } from "./launch-type.js";

describe("launch types", () => {
  it("knows ECS's four; refuses any other with ECS's sentence", () => {
    for (const t of [undefined, "EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"]) assert.doesNotThrow(() => checkKnownLaunchType(t), String(t));
    for (const t of ["ec2", "SPOT", ""]) {
      assert.throws(() => checkKnownLaunchType(t), { code: "InvalidParameterException", message: "launch type should be one of [EC2,FARGATE,EXTERNAL,MANAGED_INSTANCES]" });
    }
  });

  it("launches EC2 (the default) only, and says so for the launch types ECS knows", () => {
    assert.doesNotThrow(() => checkLaunchType(undefined));
    assert.doesNotThrow(() => checkLaunchType("EC2"));
    assert.throws(() => checkLaunchType("FARGATE"), { code: "InvalidParameterException", message: "launchType FARGATE is not available yet: use EC2 (the default)." });
    assert.throws(() => checkLaunchType("BOGUS"), { message: /^launch type should be one of/ });
  });
});
