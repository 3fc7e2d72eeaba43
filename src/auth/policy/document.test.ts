import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AwsError, statusOf } from "../../errors/catalog.js";
import { iamErrors } from "../../api/iam/errors.js";
import { parsePolicy, type PolicyKind } from "./document.js";
import { compilePolicyText } from "./compile.js";

const doc = (...statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const allow = (extra: Record<string, unknown> = {}) => ({ Effect: "Allow", Action: "ecs:ListClusters", Resource: "*", ...extra });

describe("policy documents", () => {
  it("normalises single values to lists and keeps what IAM keeps", () => {
    const p = parsePolicy(JSON.stringify({ Version: "2012-10-17", Statement: allow({ Sid: "One", Condition: { Bool: { "aws:SecureTransport": true } } }) }), "identity");
    assert.deepEqual(p, {
      Version: "2012-10-17",
      Statement: [{ Sid: "One", Effect: "Allow", Action: ["ecs:ListClusters"], Resource: ["*"], Condition: { Bool: { "aws:SecureTransport": ["true"] } } }],
    });
  });

  it("takes ${…} literally under Version 2008-10-17, as IAM does", () => {
    const p = parsePolicy(JSON.stringify({ Version: "2008-10-17", Statement: [allow({ Resource: "arn:aws:s3:::bucket/${literal}" })] }), "identity");
    assert.deepEqual(p.Statement[0]?.Resource, ["arn:aws:s3:::bucket/${literal}"]);
  });

  const refused: [string, string, PolicyKind, string][] = [
    ["text that is not JSON", "{", "identity", "Syntax errors in policy."],
    ["an unknown top-level element", JSON.stringify({ Version: "2012-10-17", Statement: [allow()], Foo: 1 }), "identity", "Syntax errors in policy."],
    ["an unknown Version", JSON.stringify({ Version: "2013-01-01", Statement: [allow()] }), "identity", "Syntax errors in policy."],
    ["no statement", JSON.stringify({ Version: "2012-10-17", Statement: [] }), "identity", "Syntax errors in policy."],
    ["an Effect other than Allow or Deny", doc(allow({ Effect: "allow" })), "identity", "Syntax errors in policy."],
    ["Action and NotAction together", doc(allow({ NotAction: "ecs:RunTask" })), "identity", "Syntax errors in policy."],
    ["an action that is not a string", doc(allow({ Action: [1] })), "identity", "Syntax errors in policy."],
    ["an unknown statement element", doc(allow({ Resources: "*" })), "identity", "Syntax errors in policy."],
    ["two statements with one Sid", doc(allow({ Sid: "a" }), allow({ Sid: "a" })), "identity", "Statement IDs (SID) in a single policy must be unique."],
    ["a statement without actions", doc({ Effect: "Allow", Resource: "*" }), "identity", "Policy statement must contain actions."],
    ["a statement without resources", doc({ Effect: "Allow", Action: "ecs:*" }), "identity", "Policy statement must contain resources."],
    ["an action without a vendor", doc(allow({ Action: "RunTask" })), "identity", "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."],
    ["an action with two colons", doc(allow({ Action: "ecs:Run:Task" })), "identity", "Actions/Condition can contain only one colon."],
    ["a resource that is no ARN", doc(allow({ Resource: "cluster/prod" })), "identity", 'Resource cluster/prod must be in ARN format or "*".'],
    ["an IAM resource with a region", doc(allow({ Resource: "arn:aws:iam:us-east-1:123456789012:user/x" })), "identity", "IAM resource arn:aws:iam:us-east-1:123456789012:user/x cannot contain region information."],
    ["a principal in an identity policy", doc(allow({ Principal: "*" })), "identity", "Policy document should not specify a principal."],
    ["an unknown condition operator", doc(allow({ Condition: { StringEqualz: { "aws:SourceIp": "x" } } })), "identity", "Invalid Condition type : StringEqualz"],
    ["a condition key without a vendor", doc(allow({ Condition: { StringEquals: { SourceIp: "x" } } })), "identity", "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."],
    ["a CIDR that is none", doc(allow({ Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/33" } } })), "identity", "Invalid Condition value 10.0.0.0/33 for IpAddress: expected an IP address or CIDR block."],
    ["a date that is none", doc(allow({ Condition: { DateGreaterThan: { "aws:CurrentTime": "soon" } } })), "identity", "Invalid Condition value soon for DateGreaterThan: expected a date (ISO 8601 or epoch seconds)."],
    ["an unknown operator beside a policy variable", doc(allow({ Condition: { StringEqualz: { "aws:username": "${aws:username}" } } })), "identity", "Invalid Condition type : StringEqualz"],
    ["a trust statement with a resource", doc({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole", Resource: "*" }), "trust", "Has prohibited field Resource"],
    ["a trust statement without a principal", doc({ Effect: "Allow", Action: "sts:AssumeRole" }), "trust", "Missing required field Principal"],
  ];
  for (const [what, text, kind, message] of refused) {
    it(`refuses ${what} with MalformedPolicyDocument: ${message}`, () => {
      assert.throws(
        () => compilePolicyText("p", text, kind),
        (e: unknown) => e instanceof AwsError && e.code === "MalformedPolicyDocument" && e.message === message && statusOf(e.code, iamErrors) === 400,
      );
    });
  }
});
