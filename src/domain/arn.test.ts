import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { arnCluster, arnId, containerInstanceArn, serviceArn, taskArn } from "./arn.js";

const p = { region: "eu-west-1", accountId: "123456789012" };

describe("ids and clusters read from ARNs", () => {
  const cases: [string, string, string, string | undefined][] = [
    ["a task", taskArn(p, "prod", "0123abcd"), "0123abcd", "prod"],
    ["a container instance", containerInstanceArn(p, "prod", "i9"), "i9", "prod"],
    ["a service", serviceArn(p, "prod", "web"), "web", "prod"],
    ["a bare id", "0123abcd", "0123abcd", undefined],
    ["another service's ARN", "arn:aws:iam::123456789012:role/x/y", "arn:aws:iam::123456789012:role/x/y", undefined],
  ];
  for (const [what, arn, id, cluster] of cases) {
    it(`${what}: id ${id}, cluster ${String(cluster)}`, () => {
      assert.equal(arnId(arn), id);
      assert.equal(arnCluster(arn), cluster);
    });
  }
});
