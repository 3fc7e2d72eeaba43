import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { targetRun } from "./target-request.js";

describe("an EventBridge ECS target as RunTask", () => {
  const target = (ecs: object) => ({ Id: "t", Arn: "arn:aws:ecs:us-east-1:000000000000:cluster/c", EcsParameters: { TaskDefinitionArn: "web:1", ...ecs } });

  it("passes its awsvpc NetworkConfiguration on in RunTask's casing", () => {
    const run = targetRun("nightly", target({ NetworkConfiguration: { awsvpcConfiguration: { Subnets: ["subnet-a"], SecurityGroups: ["sg-1"], AssignPublicIp: "DISABLED" } } }), undefined);
    assert.deepEqual(run.request.networkConfiguration, { awsvpcConfiguration: { subnets: ["subnet-a"], securityGroups: ["sg-1"], assignPublicIp: "DISABLED" } });
  });

  it("asks for no networkConfiguration when the target has none", () => {
    assert.equal(targetRun("nightly", target({}), undefined).request.networkConfiguration, undefined);
  });
});
