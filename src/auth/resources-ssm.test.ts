import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Partition } from "../domain/arn.js";
import { resourcesOf } from "./resources.js";

const p: Partition = { region: "eu-west-1", accountId: "123456789012" };
const arn = (path: string) => `arn:aws:ssm:eu-west-1:123456789012:parameter/${path}`;

describe("SSM's resources as IAM names them", () => {
  it("a call that names a parameter acts on its ARN, without the selector", () => {
    assert.deepEqual(resourcesOf("ssm", "GetParameter", { Name: "/app/db:3" }, p), [arn("app/db")]);
    assert.deepEqual(resourcesOf("ssm", "PutParameter", { Name: "plain" }, p), [arn("plain")]);
    assert.deepEqual(resourcesOf("ssm", "GetParameter", { Name: `${arn("app/db")}:prod` }, p), [arn("app/db")]);
    assert.deepEqual(resourcesOf("ssm", "GetParameterHistory", { Name: "/app/db" }, p), [arn("app/db")]);
  });

  it("GetParameters and DeleteParameters act on each parameter they name: each is authorized", () => {
    assert.deepEqual(resourcesOf("ssm", "GetParameters", { Names: ["/app/db", "/other/x:2", "/app/db"] }, p), [arn("app/db"), arn("other/x")]);
    assert.deepEqual(resourcesOf("ssm", "DeleteParameters", { Names: ["/a", "/b"] }, p), [arn("a"), arn("b")]);
  });

  it("GetParametersByPath acts on the path, DescribeParameters on *, tagging on the parameter tagged", () => {
    assert.deepEqual(resourcesOf("ssm", "GetParametersByPath", { Path: "/app" }, p), [arn("app")]);
    assert.deepEqual(resourcesOf("ssm", "DescribeParameters", {}, p), ["*"]);
    assert.deepEqual(resourcesOf("ssm", "AddTagsToResource", { ResourceType: "Parameter", ResourceId: "/app/db" }, p), [arn("app/db")]);
    assert.deepEqual(resourcesOf("ssm", "ListTagsForResource", { ResourceType: "Document", ResourceId: "/app/db" }, p), ["*"]);
  });
});
