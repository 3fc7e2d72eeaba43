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

  it("launches EC2 (the default) and FARGATE, and says so for the other launch types ECS knows", () => {
    assert.equal(checkLaunchType(undefined), "EC2");
    assert.equal(checkLaunchType("EC2"), "EC2");
    assert.equal(checkLaunchType("FARGATE"), "FARGATE");
    assert.throws(() => checkLaunchType("EXTERNAL"), { code: "InvalidParameterException", message: "launchType EXTERNAL is not available yet: use EC2 (the default) or FARGATE." });
    assert.throws(() => checkLaunchType("BOGUS"), { message: /^launch type should be one of/ });
  });
});
