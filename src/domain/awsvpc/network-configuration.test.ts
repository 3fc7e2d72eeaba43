import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { awsvpcSettings } from "./network-configuration.js";

describe("awsvpc network configuration (RunTask)", () => {
  const invalid = (message: string | RegExp) => ({ code: "InvalidParameterException", message });

  it("is required for an awsvpc task definition, with ECS's sentence", () => {
    assert.throws(() => awsvpcSettings("awsvpc", undefined), invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified."));
    assert.throws(() => awsvpcSettings("awsvpc", {}), invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified."));
  });

  it("is refused for the other network modes, and absent is nothing", () => {
    for (const mode of ["bridge", "host", "none"]) {
      assert.throws(() => awsvpcSettings(mode, { awsvpcConfiguration: { subnets: ["subnet-1"] } }), invalid("Network Configuration is not valid for the given networkMode of this task definition."));
      assert.equal(awsvpcSettings(mode, undefined), undefined);
    }
  });

  it("needs 1 to 16 well-formed subnets, at most 5 well-formed security groups, and ENABLED or DISABLED", () => {
    const run = (c: object) => () => awsvpcSettings("awsvpc", { awsvpcConfiguration: { subnets: ["subnet-a1"], ...c } });
    assert.throws(run({ subnets: [] }), invalid("subnets can not be empty."));
    assert.throws(run({ subnets: Array.from({ length: 17 }, (_, i) => `subnet-${i}`) }), invalid(/At most 16 subnets/));
    assert.throws(run({ subnets: ["vpc-1"] }), invalid(/subnet information for \[vpc-1\]/));
    assert.throws(run({ securityGroups: ["sg-1", "sg-2", "sg-3", "sg-4", "sg-5", "sg-6"] }), invalid(/At most 5 security groups/));
    assert.throws(run({ securityGroups: ["default"] }), invalid(/security group information for \[default\]/));
    assert.throws(run({ assignPublicIp: "YES" }), invalid("assignPublicIp must be ENABLED or DISABLED; got 'YES'."));
  });

  it("keeps the first subnet as the task's, duplicates dropped, public IP DISABLED by default", () => {
    assert.deepEqual(awsvpcSettings("awsvpc", { awsvpcConfiguration: { subnets: ["subnet-b", "subnet-a", "subnet-b"], securityGroups: ["sg-1", "sg-1"] } }), {
      subnet: "subnet-b",
      subnets: ["subnet-b", "subnet-a"],
      securityGroups: ["sg-1"],
      assignPublicIp: "DISABLED",
    });
  });
});
