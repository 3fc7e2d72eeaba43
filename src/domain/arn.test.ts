import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { arnCluster, arnId, containerInstanceArn, parseArn, serviceArn, taskArn } from "./arn.js";

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

describe("any service's ARN read into its fields", () => {
  it("keeps the colons of a resource that has them (a Secrets Manager secret with a json key)", () => {
    assert.deepEqual(parseArn("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:password::"), {
      partition: "aws",
      service: "secretsmanager",
      region: "eu-west-1",
      account: "123456789012",
      resource: "secret:db-AbCdEf:password::",
    });
  });
  it("reads a task's region, and an IAM ARN's empty one", () => {
    assert.equal(parseArn(taskArn(p, "prod", "0123abcd"))?.region, "eu-west-1");
    assert.equal(parseArn("arn:aws:iam::123456789012:role/x")?.region, "");
  });
  it("is undefined for a name", () => {
    for (const text of ["/app/db", "db", "arn:aws:ssm", "arn:aws:ssm:us-east-1:1:"]) assert.equal(parseArn(text), undefined, text);
  });
});
