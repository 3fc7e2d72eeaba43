import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { PutParameterRequest } from "@aws-sdk/client-ssm";
import { AwsError } from "../../errors/catalog.js";
import type { ParameterRecord } from "../../state/parameter-records.js";
import { checkAllowedPattern } from "./allowed-pattern.js";
import { decidePut, type PutFacts } from "./put-rules.js";

const caller = "arn:aws:iam::123456789012:user/ci";
const aParameter = (over: Partial<ParameterRecord> = {}): ParameterRecord => ({
  name: "/p",
  version: 3,
  type: "String",
  value: "old",
  tier: "Standard",
  dataType: "text",
  labels: [],
  modifiedMs: 1,
  modifiedBy: caller,
  tags: {},
  ...over,
});
const facts = (over: Partial<PutFacts> = {}): PutFacts => ({
  current: undefined,
  oldestKeptLabelled: false,
  counts: { Standard: 0, Advanced: 0 },
  nowMs: 5_000,
  caller,
  checkPattern: checkAllowedPattern,
  ...over,
});
const decide = (input: Omit<PutParameterRequest, "Name">, f: Partial<PutFacts> = {}) => decidePut("/p", { Name: "/p", ...input }, facts(f));
const refused = (input: Omit<PutParameterRequest, "Name">, f: Partial<PutFacts>, code: string, message?: RegExp) =>
  assert.throws(() => decide(input, f), (e: unknown) => e instanceof AwsError && e.code === code && (message === undefined || message.test(e.message)), `${code} expected`);

describe("PutParameter's decision", () => {
  it("creates version 1 with its tags; a SecureString under alias/aws/ssm unless a key is named", () => {
    const made = decide({ Type: "String", Value: "v", Description: "d", Tags: [{ Key: "team", Value: "web" }] });
    assert.deepEqual(made, {
      version: { name: "/p", version: 1, type: "String", value: "v", description: "d", keyId: undefined, allowedPattern: undefined, tier: "Standard", dataType: "text", labels: [], modifiedMs: 5_000, modifiedBy: caller },
      tags: { team: "web" },
    });
    assert.equal(decide({ Type: "SecureString", Value: "v" }).version.keyId, "alias/aws/ssm");
    assert.equal(decide({ Type: "SecureString", Value: "v", KeyId: "alias/mine" }).version.keyId, "alias/mine");
  });

  it("overwrites only with Overwrite, as the next version, keeping what the request leaves out", () => {
    const current = aParameter({ type: "SecureString", keyId: "alias/mine", description: "d", allowedPattern: ".+", tier: "Advanced", tags: { a: "b" } });
    refused({ Type: "SecureString", Value: "v" }, { current }, "ParameterAlreadyExists", /set the overwrite option in the request to true/);
    const next = decide({ Value: "new", Overwrite: true }, { current });
    assert.deepEqual(next.tags, undefined, "tags belong to the parameter, not to its versions");
    assert.deepEqual(
      [next.version.version, next.version.type, next.version.keyId, next.version.description, next.version.allowedPattern, next.version.tier, next.version.labels],
      [4, "SecureString", "alias/mine", "d", ".+", "Advanced", []],
    );
  });

  it("needs a type to create, refuses a change of type, and a KeyId on what is not encrypted", () => {
    refused({ Value: "v" }, {}, "ValidationException", /A parameter type is required when you create a parameter/);
    refused({ Type: "SecureString", Value: "v", Overwrite: true }, { current: aParameter() }, "HierarchyTypeMismatchException");
    refused({ Type: "String", Value: "v", KeyId: "alias/k" }, {}, "InvalidKeyId");
    refused({ Value: "v", KeyId: "alias/k", Overwrite: true }, { current: aParameter({ type: "StringList" }) }, "InvalidKeyId");
    refused({ Type: "Secret" as "String", Value: "v" }, {}, "ValidationException", /enum value set: \[SecureString, StringList, String\]/);
  });

  it("refuses tags with Overwrite, an empty value, policies and data types other than text", () => {
    refused({ Type: "String", Value: "v", Overwrite: true, Tags: [{ Key: "a", Value: "b" }] }, {}, "ValidationException", /tags and overwrite can't be used together/);
    refused({ Type: "String", Value: "" }, {}, "ValidationException", /at 'value'/);
    refused({ Type: "String", Value: "v", Policies: '[{"Type":"Expiration"}]' }, {}, "InvalidPolicyTypeException");
    assert.equal(decide({ Type: "String", Value: "v", Policies: "[]" }).version.version, 1);
    refused({ Type: "String", Value: "ami-1", DataType: "aws:ec2:image" }, {}, "ValidationException", /offers the data type text only/);
    refused({ Type: "String", Value: "v", DataType: "Text" }, {}, "ValidationException", /The following data type is not supported: Text/);
    refused({ Type: "String", Value: "v", Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "" })) }, {}, "ValidationException", /at most 50 tags/);
  });

  it("checks the value against the allowed pattern, the request's or the parameter's, without quoting the value", () => {
    refused({ Type: "String", Value: "secret-x", AllowedPattern: "\\d+" }, {}, "ParameterPatternMismatchException", /^Parameter value, cannot be validated against allowedPattern: \\\\d\+$/);
    refused({ Value: "x", Overwrite: true }, { current: aParameter({ allowedPattern: "\\d+" }) }, "ParameterPatternMismatchException");
    assert.equal(decide({ Value: "7", Overwrite: true }, { current: aParameter({ allowedPattern: "\\d+" }) }).version.allowedPattern, "\\d+");
    refused({ Type: "String", Value: "v", AllowedPattern: "(" }, {}, "InvalidAllowedPatternException");
    refused({ Type: "String", Value: "v", AllowedPattern: "v" }, { checkPattern: () => "too-slow" }, "InvalidAllowedPatternException", /too long/);
  });

  const tierCases: [string, Omit<PutParameterRequest, "Name" | "Value">, number, Partial<PutFacts>, string][] = [
    ["Standard by default, up to 4,096 characters", { Type: "String" }, 4096, {}, "Standard"],
    ["Standard counts characters, not bytes", { Type: "String" }, -4096, {}, "Standard"],
    ["Standard refuses 4,097", { Type: "String" }, 4097, {}, "ValidationException"],
    ["Advanced up to 8,192", { Type: "String", Tier: "Advanced" }, 8192, {}, "Advanced"],
    ["Advanced refuses 8,193", { Type: "String", Tier: "Advanced" }, 8193, {}, "ValidationException"],
    ["Intelligent-Tiering: Standard when the value fits", { Type: "String", Tier: "Intelligent-Tiering" }, 4096, {}, "Standard"],
    ["Intelligent-Tiering: Advanced when it does not", { Type: "String", Tier: "Intelligent-Tiering" }, 4097, {}, "Advanced"],
    ["Intelligent-Tiering: Advanced when Standard is full", { Type: "String", Tier: "Intelligent-Tiering" }, 1, { counts: { Standard: 10_000, Advanced: 0 } }, "Advanced"],
    ["no new Standard parameter past 10,000", { Type: "String" }, 1, { counts: { Standard: 10_000, Advanced: 0 } }, "ParameterLimitExceeded"],
    ["no new Advanced parameter past 100,000", { Type: "String", Tier: "Advanced" }, 1, { counts: { Standard: 0, Advanced: 100_000 } }, "ParameterLimitExceeded"],
    ["an Advanced parameter stays Advanced", { Overwrite: true }, 1, { current: aParameter({ tier: "Advanced" }) }, "Advanced"],
    ["an Advanced parameter can't go back to Standard", { Overwrite: true, Tier: "Standard" }, 1, { current: aParameter({ tier: "Advanced" }) }, "ValidationException"],
    ["an existing Standard parameter is overwritten when Standard is full", { Overwrite: true }, 1, { current: aParameter(), counts: { Standard: 10_000, Advanced: 0 } }, "Standard"],
  ];
  for (const [title, input, size, f, expected] of tierCases) {
    it(`tiers: ${title}`, () => {
      // A negative size: that many two-byte characters.
      const Value = size < 0 ? "é".repeat(-size) : "x".repeat(size);
      if (expected === "Standard" || expected === "Advanced") assert.equal(decide({ ...input, Value }, f).version.tier, expected);
      else refused({ ...input, Value }, f, expected);
    });
  }

  it("keeps 100 versions: the oldest goes unless it carries a label", () => {
    assert.equal(decide({ Value: "v", Overwrite: true }, { current: aParameter({ version: 100 }) }).version.version, 101);
    refused({ Value: "v", Overwrite: true }, { current: aParameter({ version: 100 }), oldestKeptLabelled: true }, "ParameterMaxVersionLimitExceeded", /Version 1, the oldest version, can't be deleted/);
    assert.equal(decide({ Value: "v", Overwrite: true }, { current: aParameter({ version: 99 }), oldestKeptLabelled: true }).version.version, 100);
  });
});
