import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { compilePolicyText, type CompiledPolicy } from "./compile.js";
import { evaluate } from "./evaluate.js";
import { explain } from "./explain.js";
import { statementSpans } from "./positions.js";

const clusterA = "arn:aws:ecs:us-east-1:123456789012:cluster/a";
const clusterB = "arn:aws:ecs:us-east-1:123456789012:cluster/b";
const policy = (name: string, ...statements: unknown[]): CompiledPolicy =>
  compilePolicyText(name, JSON.stringify({ Version: "2012-10-17", Statement: statements }), "identity");

describe("The simulator's explanation of a decision", () => {
  const readA = policy("read-a", { Sid: "ReadA", Effect: "Allow", Action: ["ecs:Describe*", "ecs:List*"], Resource: clusterA });
  const listAll = policy("list-all", { Effect: "Allow", Action: "ecs:ListTasks", Resource: "*" });
  const noRun = policy("no-run", { Effect: "Allow", Action: "ecs:*", Resource: "*" }, { Sid: "NoRun", Effect: "Deny", Action: "ecs:RunTask", Resource: "*" });

  it("an allow lists every allowing statement that applies, in policy order", () => {
    const e = explain([readA, listAll], { action: "ecs:ListTasks", resource: clusterA, context: {} });
    assert.equal(e.decision.effect, "allowed");
    assert.deepEqual(e.matched.map((m) => m.ref), [{ policy: "read-a", index: 0, sid: "ReadA" }, { policy: "list-all", index: 0, sid: undefined }]);
    assert.deepEqual(e.matched.map((m) => m.policy), [readA, listAll]);
  });

  it("an explicit deny lists the denying statements only, not the allows it overrode", () => {
    const e = explain([readA, noRun], { action: "ecs:RunTask", resource: clusterA, context: {} });
    assert.deepEqual(e.decision, { effect: "explicitDeny", by: { policy: "no-run", index: 1, sid: "NoRun" } });
    assert.deepEqual(e.matched.map((m) => m.ref), [{ policy: "no-run", index: 1, sid: "NoRun" }]);
  });

  it("an implicit deny matches nothing", () => {
    const e = explain([readA], { action: "ecs:ListTasks", resource: clusterB, context: {} });
    assert.deepEqual(e, { decision: { effect: "implicitDeny" }, matched: [], missingContextKeys: [] });
  });

  it("reports the condition keys that applicable statements read and the request lacks, as the policy spells them", () => {
    const fromOffice = policy("office", { Effect: "Allow", Action: "ecs:*", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" }, StringEquals: { "ecs:cluster": clusterA } } });
    const elsewhere = policy("other", { Effect: "Allow", Action: "ecr:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "true" } } });
    const lacking = explain([fromOffice, elsewhere], { action: "ecs:ListTasks", resource: "*", context: { "ecs:cluster": clusterA } });
    assert.equal(lacking.decision.effect, "implicitDeny");
    assert.deepEqual(lacking.missingContextKeys, ["aws:SourceIp"]);
    const given = explain([fromOffice, elsewhere], { action: "ecs:ListTasks", resource: "*", context: { "ecs:cluster": clusterA, "aws:sourceip": "10.1.2.3" } });
    assert.deepEqual([given.decision.effect, given.missingContextKeys], ["allowed", []]);
  });

  it("property: the explained decision is evaluate()'s, and its first matched statement is the one evaluate() names", () => {
    const patternArb = fc.constantFrom("*", "ecs:*", "ecs:List*", "ecs:RunTask", "ecr:*", "ecs:Describe*");
    const resourceArb = fc.constantFrom("*", clusterA, clusterB, "arn:aws:ecs:*:*:cluster/*");
    const statementArb = fc.record({
      Effect: fc.constantFrom("Allow", "Deny"),
      Action: fc.array(patternArb, { minLength: 1, maxLength: 3 }),
      Resource: fc.array(resourceArb, { minLength: 1, maxLength: 2 }),
      Condition: fc.option(fc.constant({ StringEquals: { "aws:RequestedRegion": "us-east-1" } }), { nil: undefined }),
    });
    const policiesArb = fc.array(fc.array(statementArb, { minLength: 1, maxLength: 4 }), { maxLength: 5 }).map((ps) => ps.map((st, i) => policy(`p${i}`, ...st)));
    fc.assert(
      fc.property(policiesArb, fc.constantFrom("ecs:RunTask", "ecs:ListTasks", "ecr:BatchGetImage"), fc.constantFrom(clusterA, clusterB), fc.constantFrom("us-east-1", "eu-west-1"), (policies, action, resource, region) => {
        const request = { action, resource, context: { "aws:requestedregion": region } };
        const e = explain(policies, request);
        const d = evaluate(policies, request);
        assert.deepEqual(e.decision, d);
        if (d.effect === "implicitDeny") assert.equal(e.matched.length, 0);
        else assert.deepEqual(e.matched[0]?.ref, d.by);
      }),
    );
  });
});

describe("Statement positions in a policy's text", () => {
  it("finds each statement's { and } by line and column (1-based), in an array or alone", () => {
    const text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "ecs:*", "Resource": "*"},\n    {\n      "Sid": "a}b[\\"",\n      "Effect": "Deny", "Action": ["ecs:RunTask"], "Resource": "*"\n    }\n  ]\n}';
    assert.deepEqual(statementSpans(text), [
      { start: { line: 4, column: 5 }, end: { line: 4, column: 59 } },
      { start: { line: 5, column: 5 }, end: { line: 8, column: 5 } },
    ]);
    const single = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}';
    assert.deepEqual(statementSpans(single), [{ start: { line: 1, column: 37 }, end: { line: 1, column: 82 } }]);
  });

  it("gives no spans for a text it cannot follow, rather than wrong ones", () => {
    assert.deepEqual(statementSpans('{"Statement": [ {"Effect": '), []);
  });

  it("compiled policies carry them by statement index", () => {
    const p = compilePolicyText("p", '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}', "identity");
    assert.deepEqual(p.spans, [{ start: { line: 1, column: 38 }, end: { line: 1, column: 83 } }]);
  });
});
