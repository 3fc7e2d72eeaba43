import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ParameterStringFilter } from "@aws-sdk/client-ssm";
import { AwsError } from "../../errors/catalog.js";
import type { ParameterRecord } from "../../state/parameter-records.js";
import { compileFilters, fromLegacyFilters, type FilterUse } from "./filters.js";

const aParameter = (name: string, over: Partial<ParameterRecord> = {}): ParameterRecord => ({
  name,
  version: 1,
  type: "String",
  value: "v",
  tier: "Standard",
  dataType: "text",
  labels: [],
  modifiedMs: 1,
  modifiedBy: "arn:aws:iam::1:root",
  tags: {},
  ...over,
});
const parameters = [
  aParameter("/app/db", { type: "SecureString", keyId: "alias/aws/ssm", tags: { team: "data" } }),
  aParameter("/app/url", { tags: { team: "web", env: "prod" } }),
  aParameter("/app/web/port", { tier: "Advanced" }),
  aParameter("/other/x"),
  aParameter("top"),
];
const selected = (filters: ParameterStringFilter[], use: FilterUse = "DescribeParameters") => parameters.filter(compileFilters(filters, use).matches).map((p) => p.name);
const refusedWith = (code: string, message?: RegExp) => (e: unknown) => e instanceof AwsError && e.code === code && (message === undefined || message.test(e.message));

describe("parameter filters", () => {
  it("match every filter, any of a filter's values, with each key's options", () => {
    assert.deepEqual(selected([{ Key: "Name", Option: "BeginsWith", Values: ["/app/w", "/other"] }]), ["/app/web/port", "/other/x"]);
    assert.deepEqual(selected([{ Key: "Name", Values: ["/app/db", "top"] }]), ["/app/db", "top"]);
    assert.deepEqual(selected([{ Key: "Name", Option: "Contains", Values: ["/u"] }]), ["/app/url"]);
    assert.deepEqual(selected([{ Key: "Type", Values: ["SecureString"] }]), ["/app/db"]);
    assert.deepEqual(selected([{ Key: "KeyId", Values: ["alias/aws/ssm"] }]), ["/app/db"]);
    assert.deepEqual(selected([{ Key: "Tier", Values: ["Advanced"] }]), ["/app/web/port"]);
    assert.deepEqual(selected([{ Key: "DataType", Values: ["text"] }]).length, 5);
    assert.deepEqual(selected([{ Key: "tag:team" }]), ["/app/db", "/app/url"], "a tag key alone: the tag exists");
    assert.deepEqual(selected([{ Key: "tag:team", Values: ["web"] }, { Key: "tag:env", Values: ["prod"] }]), ["/app/url"]);
    assert.deepEqual(selected([{ Key: "Path", Values: ["/app"] }]), ["/app/db", "/app/url"], "one level by default");
    assert.deepEqual(selected([{ Key: "Path", Option: "Recursive", Values: ["/app"] }, { Key: "Type", Values: ["String"] }]), ["/app/url", "/app/web/port"]);
    assert.deepEqual(selected([{ Key: "Path", Values: ["/"] }]), ["top"]);
    assert.deepEqual(selected([{ Key: "Path", Option: "Recursive", Values: ["/"] }]).length, 5);
    assert.deepEqual(selected([{ Key: "Type", Values: ["SecureString"] }], "GetParametersByPath"), ["/app/db"]);
  });

  it("say where to look for one Path, and which labels a GetParametersByPath asks for", () => {
    assert.deepEqual(compileFilters([{ Key: "Path", Option: "Recursive", Values: ["/app/"] }], "DescribeParameters").path, { path: "/app", recursive: true });
    assert.equal(compileFilters([{ Key: "Path", Values: ["/a", "/b"] }], "DescribeParameters").path, undefined);
    assert.deepEqual(compileFilters([{ Key: "Label", Values: ["prod"] }], "GetParametersByPath").labels, ["prod"]);
  });

  it("refuse what Parameter Store refuses, each with its exception", () => {
    const cases: [ParameterStringFilter[], FilterUse, string, RegExp?][] = [
      [[{ Key: "Color", Values: ["x"] }], "DescribeParameters", "ValidationException", /regular expression pattern: tag:\.\+\|Name/],
      [[{ Key: "Label", Values: ["x"] }], "DescribeParameters", "InvalidFilterKey", /not valid: Label/],
      [[{ Key: "Name", Values: ["x"] }], "GetParametersByPath", "InvalidFilterKey", /Valid filter keys include: \[Type, KeyId, Label\]/],
      [[{ Key: "tag:a", Values: ["x"] }], "GetParametersByPath", "InvalidFilterKey"],
      [[{ Key: "Type", Values: ["String"] }, { Key: "Type", Values: ["SecureString"] }], "DescribeParameters", "InvalidFilterKey", /duplicated/],
      [[{ Key: "Type", Option: "Contains", Values: ["String"] }], "DescribeParameters", "InvalidFilterOption"],
      [[{ Key: "Path", Option: "Equals", Values: ["/a"] }], "DescribeParameters", "InvalidFilterOption", /\[Recursive, OneLevel\]/],
      [[{ Key: "Label", Option: "BeginsWith", Values: ["x"] }], "GetParametersByPath", "InvalidFilterOption"],
      [[{ Key: "Type" }], "DescribeParameters", "InvalidFilterValue", /missing/],
      [[{ Key: "Type", Values: ["Text"] }], "DescribeParameters", "InvalidFilterValue", /\[String, StringList, SecureString\]/],
      [[{ Key: "Tier", Values: ["Gold"] }], "DescribeParameters", "InvalidFilterValue"],
      [[{ Key: "Path", Values: ["/aws/service"] }], "DescribeParameters", "ValidationException", /common parameters/],
      [[{ Key: "Path", Values: ["app"] }], "DescribeParameters", "ValidationException", /must begin with a forward slash/],
      [[{ Key: "Name", Values: ["x".repeat(1025)] }], "DescribeParameters", "ValidationException"],
      [[{ Key: "Name", Values: Array.from({ length: 51 }, () => "x") }], "DescribeParameters", "ValidationException"],
    ];
    for (const [filters, use, code, message] of cases) assert.throws(() => compileFilters(filters, use), refusedWith(code, message), JSON.stringify(filters).slice(0, 80));
  });

  it("take DescribeParameters' older Filters: Name begins with, Type and KeyId equal", () => {
    assert.deepEqual(parameters.filter(compileFilters(fromLegacyFilters([{ Key: "Name", Values: ["/app/u", "to"] }]), "DescribeParameters").matches).map((p) => p.name), ["/app/url", "top"]);
    assert.throws(() => fromLegacyFilters([{ Key: "Path" as "Name", Values: ["/a"] }]), refusedWith("ValidationException", /\[Name, Type, KeyId\]/));
  });
});
