import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { withHint } from "./attribute-hints.js";
import { attributesCheck } from "./attributes.js";

describe("withHint: what a missing capability is for", () => {
  it("names the feature and what to do for the capabilities Berth's agents lack unless configured", () => {
    assert.equal(
      withHint("com.amazonaws.ecs.capability.task-iam-role"),
      "com.amazonaws.ecs.capability.task-iam-role (a task role: run the instance's agent with ECS_ENABLE_TASK_IAM_ROLE=true)",
    );
    assert.match(withHint("ecs.capability.firelens.fluentbit"), /FireLens log routing/);
    assert.match(withHint("ecs.capability.docker-plugin.rexray"), /ECS_INSTANCE_ATTRIBUTES/);
    assert.equal(withHint("custom.team"), "custom.team", "an attribute of the operator's own is named as it is");
    assert.equal(withHint("ecs.cpu-architecture", "arm64"), "ecs.cpu-architecture=arm64 (the task definition's runtimePlatform: an instance of that CPU architecture and operating system)");
  });

  it("is part of the ATTRIBUTE detail of an instance that lacks one", () => {
    const check = attributesCheck([{ name: "ecs.capability.env-files.s3" }, { name: "custom.zone", value: "a" }]);
    const instance = { attribute: (n: string) => (n === "custom.zone" ? "b" : undefined) } as unknown as Parameters<typeof check.detail>[0];
    assert.equal(
      check.detail(instance),
      "missing attributes: ecs.capability.env-files.s3 (environmentFiles in Amazon S3, which Berth does not have: use environment or secrets), custom.zone=a",
    );
  });
});
