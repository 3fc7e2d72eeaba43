import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { registryReference } from "./ecr-images.js";

const task = "arn:aws:ecs:eu-west-1:123456789012:task/default/0123456789abcdef0123456789abcdef";
const host = "127.0.0.1:8080";

describe("registryReference: Amazon ECR image URIs on Berth", () => {
  const cases: Array<[string, string]> = [
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.2", `${host}/web:1.2`],
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web", `${host}/team/web`],
    [`123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:${"a".repeat(64)}`, `${host}/web@sha256:${"a".repeat(64)}`],
    ["123456789012.dkr.ecr-fips.eu-west-1.amazonaws.com/web:1", `${host}/web:1`],
    ["busybox:1.36", "busybox:1.36"],
    ["public.ecr.aws/docker/library/busybox:1.36", "public.ecr.aws/docker/library/busybox:1.36"],
    [`${host}/web:1`, `${host}/web:1`],
  ];
  for (const [image, ref] of cases) {
    it(`${image} → ${ref}`, () => assert.equal(registryReference(image, task, host), ref));
  }

  for (const other of ["999999999999.dkr.ecr.eu-west-1.amazonaws.com/web:1", "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1"]) {
    it(`${other}: another account's or region's ECR fails the pull, saying what Berth serves`, () => {
      assert.throws(
        () => registryReference(other, task, host),
        (e: Error) =>
          e.name === "CannotPullContainerError" &&
          e.message.includes("which Berth cannot reach") &&
          e.message.includes("account 123456789012 in eu-west-1") &&
          e.message.includes("123456789012.dkr.ecr.eu-west-1.amazonaws.com/web"),
      );
    });
  }
});
