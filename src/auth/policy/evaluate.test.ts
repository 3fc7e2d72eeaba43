import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { compilePolicyText, type CompiledPolicy } from "./compile.js";
import type { RequestContext } from "./conditions.js";
import { evaluate, evaluateTrust, type Decision } from "./evaluate.js";

const clusterA = "arn:aws:ecs:us-east-1:123456789012:cluster/a";
const clusterB = "arn:aws:ecs:us-east-1:123456789012:cluster/b";
const policy = (name: string, ...statements: unknown[]): CompiledPolicy =>
  compilePolicyText(name, JSON.stringify({ Version: "2012-10-17", Statement: statements }), "identity");
const ask = (policies: CompiledPolicy[], action: string, resource: string, context: RequestContext = {}): Decision["effect"] =>
  evaluate(policies, { action, resource, context }).effect;

describe("IAM policy evaluation", () => {
  const readOnlyA = policy("read-a", { Sid: "ReadA", Effect: "Allow", Action: ["ecs:Describe*", "ecs:List*"], Resource: clusterA });

  const cases: [string, CompiledPolicy[], string, string, RequestContext, Decision["effect"]][] = [
    ["a wildcard action on its resource", [readOnlyA], "ecs:ListTasks", clusterA, {}, "allowed"],
    ["actions case-insensitively", [readOnlyA], "ECS:listtasks", clusterA, {}, "allowed"],
    ["an action the policy does not name", [readOnlyA], "ecs:RunTask", clusterA, {}, "implicitDeny"],
    ["another resource", [readOnlyA], "ecs:ListTasks", clusterB, {}, "implicitDeny"],
    ["resources case-sensitively", [readOnlyA], "ecs:ListTasks", clusterA.toUpperCase(), {}, "implicitDeny"],
    ["no policy at all", [], "ecs:ListTasks", clusterA, {}, "implicitDeny"],
    ["an explicit deny over an allow", [policy("all", { Effect: "Allow", Action: "*", Resource: "*" }), policy("no-b", { Effect: "Deny", Action: "ecs:*", Resource: clusterB })], "ecs:ListTasks", clusterB, {}, "explicitDeny"],
    ["NotAction: everything but the named", [policy("p", { Effect: "Allow", NotAction: "ecs:Delete*", Resource: "*" })], "ecs:DeleteCluster", clusterA, {}, "implicitDeny"],
    ["NotAction lets the others through", [policy("p", { Effect: "Allow", NotAction: "ecs:Delete*", Resource: "*" })], "ecs:CreateCluster", "*", {}, "allowed"],
    ["NotResource", [policy("p", { Effect: "Allow", Action: "ecs:*", NotResource: clusterB })], "ecs:ListTasks", clusterA, {}, "allowed"],
    ["NotResource excludes", [policy("p", { Effect: "Allow", Action: "ecs:*", NotResource: "arn:aws:ecs:*:*:cluster/b" })], "ecs:ListTasks", clusterB, {}, "implicitDeny"],
    ["? matches one character", [policy("p", { Effect: "Allow", Action: "ecs:*", Resource: "arn:aws:ecs:us-east-1:123456789012:cluster/?" })], "ecs:ListTasks", clusterB, {}, "allowed"],
    ["regex characters are literal", [policy("p", { Effect: "Allow", Action: "ecs:*", Resource: "arn:aws:ecs:us-east-1:123456789012:cluster/a.b" })], "ecs:ListTasks", "arn:aws:ecs:us-east-1:123456789012:cluster/axb", {}, "implicitDeny"],
  ];
  for (const [what, policies, action, resource, context, effect] of cases) {
    it(`${effect}: ${what}`, () => assert.equal(ask(policies, action, resource, context), effect));
  }

  it("names the statement that decided", () => {
    const deny = policy("deny-run", { Sid: "NoRun", Effect: "Deny", Action: "ecs:RunTask", Resource: "*" });
    assert.deepEqual(evaluate([readOnlyA, deny], { action: "ecs:RunTask", resource: clusterA, context: {} }), { effect: "explicitDeny", by: { policy: "deny-run", index: 0, sid: "NoRun" } });
    assert.deepEqual(evaluate([readOnlyA, deny], { action: "ecs:ListTasks", resource: clusterA, context: {} }), { effect: "allowed", by: { policy: "read-a", index: 0, sid: "ReadA" } });
  });

  const conditional = (op: string, key: string, values: unknown) => [policy("c", { Effect: "Allow", Action: "ecs:*", Resource: "*", Condition: { [op]: { [key]: values } } })];
  const conditions: [string, string, string, unknown, RequestContext, boolean][] = [
    ["IpAddress in the CIDR", "IpAddress", "aws:SourceIp", "10.1.0.0/16", { "aws:sourceip": "10.1.2.3" }, true],
    ["IpAddress outside", "IpAddress", "aws:SourceIp", "10.1.0.0/16", { "aws:sourceip": "10.2.0.1" }, false],
    ["IpAddress of an IPv4-mapped IPv6 address", "IpAddress", "aws:SourceIp", "127.0.0.1/32", { "aws:sourceip": "::ffff:127.0.0.1" }, true],
    ["IpAddress with IPv6", "IpAddress", "aws:SourceIp", "2001:db8::/32", { "aws:sourceip": "2001:db8::1" }, true],
    ["NotIpAddress", "NotIpAddress", "aws:SourceIp", ["10.0.0.0/8", "192.168.0.0/16"], { "aws:sourceip": "127.0.0.1" }, true],
    ["IpAddress without the key", "IpAddress", "aws:SourceIp", "10.0.0.0/8", {}, false],
    ["StringEquals on ecs:cluster", "StringEquals", "ecs:cluster", clusterA, { "ecs:cluster": clusterA }, true],
    ["StringEquals is case-sensitive", "StringEquals", "aws:RequestedRegion", "us-east-1", { "aws:requestedregion": "US-EAST-1" }, false],
    ["StringEqualsIgnoreCase", "StringEqualsIgnoreCase", "aws:RequestedRegion", "us-east-1", { "aws:requestedregion": "US-EAST-1" }, true],
    ["StringNotEquals holds without the key", "StringNotEquals", "aws:PrincipalTag/team", "red", {}, true],
    ["StringNotEquals", "StringNotEquals", "aws:RequestedRegion", ["us-east-1", "eu-west-1"], { "aws:requestedregion": "eu-west-1" }, false],
    ["StringLike on a principal tag (key case-insensitive)", "StringLike", "aws:PrincipalTag/Team", "plat*", { "aws:principaltag/team": "platform" }, true],
    ["StringEqualsIfExists without the key", "StringEqualsIfExists", "aws:PrincipalTag/team", "red", {}, true],
    ["StringEqualsIfExists with another value", "StringEqualsIfExists", "aws:PrincipalTag/team", "red", { "aws:principaltag/team": "blue" }, false],
    ["Bool with a JSON boolean", "Bool", "aws:SecureTransport", false, { "aws:securetransport": "false" }, true],
    ["Bool", "Bool", "aws:SecureTransport", "true", { "aws:securetransport": "false" }, false],
    ["Null: true when absent", "Null", "aws:PrincipalTag/team", "true", {}, true],
    ["Null: false when present", "Null", "aws:PrincipalTag/team", "true", { "aws:principaltag/team": "x" }, false],
    ["DateGreaterThan", "DateGreaterThan", "aws:CurrentTime", "2026-01-01T00:00:00Z", { "aws:currenttime": "2026-11-29T04:00:00Z" }, true],
    ["DateLessThan with epoch seconds", "DateLessThan", "aws:CurrentTime", "1767225600", { "aws:currenttime": "2026-11-29T04:00:00Z" }, false],
    ["NumericLessThanEquals", "NumericLessThanEquals", "aws:MultiFactorAuthAge", "3600", { "aws:multifactorauthage": "3600" }, true],
    ["NumericGreaterThan with a non-number in the request", "NumericGreaterThan", "aws:MultiFactorAuthAge", "1", { "aws:multifactorauthage": "x" }, false],
    ["ArnLike segment by segment", "ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:user/ci-*", { "aws:principalarn": "arn:aws:iam::123456789012:user/ci-deploy" }, true],
    ["ArnLike: * stays in its segment", "ArnLike", "aws:PrincipalArn", "arn:aws:*:user/ci", { "aws:principalarn": "arn:aws:iam::123456789012:user/ci" }, false],
    ["ArnNotEquals", "ArnNotEquals", "aws:PrincipalArn", "arn:aws:iam::123456789012:user/ci", { "aws:principalarn": "arn:aws:iam::123456789012:user/dev" }, true],
    ["ForAnyValue over a list", "ForAnyValue:StringEquals", "aws:TagKeys", ["a", "b"], { "aws:tagkeys": ["c", "b"] }, true],
    ["ForAllValues over a list", "ForAllValues:StringEquals", "aws:TagKeys", ["a", "b"], { "aws:tagkeys": ["c", "b"] }, false],
    ["ForAllValues without the key", "ForAllValues:StringEquals", "aws:TagKeys", ["a"], {}, true],
  ];
  for (const [what, op, key, values, context, holds] of conditions) {
    it(`condition ${what}: ${holds ? "holds" : "does not hold"}`, () => {
      assert.equal(ask(conditional(op, key, values), "ecs:ListTasks", "*", context), holds ? "allowed" : "implicitDeny");
    });
  }

  it("ANDs operators and keys, ORs a key's values", () => {
    const p = [policy("c", { Effect: "Allow", Action: "*", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": ["10.0.0.0/8", "127.0.0.1"] }, StringEquals: { "aws:RequestedRegion": "us-east-1" } } })];
    assert.equal(ask(p, "ecs:ListTasks", "*", { "aws:sourceip": "127.0.0.1", "aws:requestedregion": "us-east-1" }), "allowed");
    assert.equal(ask(p, "ecs:ListTasks", "*", { "aws:sourceip": "127.0.0.1", "aws:requestedregion": "eu-west-1" }), "implicitDeny");
  });

  // Properties: whatever the policies, a matching Deny wins; adding an Allow never turns an allow into a deny.
  const actionArb = fc.constantFrom("ecs:RunTask", "ecs:ListTasks", "ecs:DescribeClusters", "ecr:BatchGetImage", "iam:CreateUser");
  const patternArb = fc.constantFrom("*", "ecs:*", "ecs:List*", "ecs:RunTask", "ecr:*", "iam:Create?ser", "ecs:Describe*");
  const resourceArb = fc.constantFrom("*", clusterA, clusterB, "arn:aws:ecs:*:*:cluster/*");
  const statementArb = fc.record({ Effect: fc.constantFrom("Allow", "Deny"), Action: fc.array(patternArb, { minLength: 1, maxLength: 3 }), Resource: fc.array(resourceArb, { minLength: 1, maxLength: 2 }) });
  const policiesArb = fc.array(fc.array(statementArb, { minLength: 1, maxLength: 4 }), { maxLength: 5 }).map((ps) => ps.map((st, i) => policy(`p${i}`, ...st)));

  it("property: a Deny that matches decides, whatever else is attached", () => {
    fc.assert(
      fc.property(policiesArb, actionArb, fc.constantFrom(clusterA, clusterB), (policies, action, resource) => {
        const withDeny = [...policies, policy("deny", { Effect: "Deny", Action: action, Resource: resource })];
        assert.equal(ask(withDeny, action, resource), "explicitDeny");
      }),
    );
  });

  it("property: an added Allow never takes an allow away, and the outcome does not depend on policy order", () => {
    fc.assert(
      fc.property(policiesArb, statementArb, actionArb, fc.constantFrom(clusterA, clusterB), (policies, extra, action, resource) => {
        const before = ask(policies, action, resource);
        const after = ask([...policies, policy("extra", { ...extra, Effect: "Allow" })], action, resource);
        if (before === "allowed") assert.equal(after, "allowed");
        if (before === "explicitDeny") assert.equal(after, "explicitDeny");
        assert.equal(ask([...policies].reverse(), action, resource), before);
      }),
    );
  });

  it("property: the action index changes nothing: the same decision and statement as checking every statement in order", () => {
    const patterns = fc.constantFrom("*", "ecs:*", "ECS:List*", "ecs:RunTask", "ecr:*", "iam:Create?ser", "ecs:Describe*", "ecs:*Task?", "ecs:listtasks", "sts:AssumeRole");
    const stmt = fc.record({
      Sid: fc.constantFrom(undefined, "s"),
      Effect: fc.constantFrom("Allow", "Deny"),
      acts: fc.array(patterns, { minLength: 1, maxLength: 3 }),
      not: fc.boolean(),
      Resource: fc.array(resourceArb, { minLength: 1, maxLength: 2 }),
    });
    const arb = fc.array(fc.array(stmt, { minLength: 1, maxLength: 4 }), { maxLength: 6 }).map((ps) =>
      ps.map((st, i) => policy(`p${i}`, ...st.map(({ acts, not, Sid, ...rest }, j) => ({ ...rest, ...(Sid && { Sid: `${Sid}${j}` }), ...(not ? { NotAction: acts } : { Action: acts }) })))),
    );
    const naive = (policies: CompiledPolicy[], action: string, resource: string): Decision => {
      let allow: Decision | undefined;
      for (const p of policies) {
        for (const s of p.statements) {
          if (!s.action(action.toLowerCase()) || !s.resource(resource)) continue;
          if (s.effect === "Deny") return { effect: "explicitDeny", by: s.ref };
          allow ??= { effect: "allowed", by: s.ref };
        }
      }
      return allow ?? { effect: "implicitDeny" };
    };
    fc.assert(
      fc.property(arb, fc.constantFrom("ecs:ListTasks", "ecs:RunTask", "ECS:DescribeClusters", "ecr:BatchGetImage", "iam:CreateUser", "sts:AssumeRole", "logs:PutLogEvents"), resourceArb, (policies, action, resource) => {
        assert.deepEqual(evaluate(policies, { action, resource, context: {} }), naive(policies, action, resource));
      }),
      { numRuns: 500 },
    );
  });

  describe("trust policies", () => {
    const trust = compilePolicyText(
      "trust",
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
          { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:user/ci" }, Action: "sts:AssumeRole" },
          { Effect: "Allow", Principal: { AWS: "123456789012" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalTag/team": "ops" } } },
        ],
      }),
      "trust",
    );
    const req = (context: RequestContext = {}) => ({ action: "sts:AssumeRole", resource: "arn:aws:iam::123456789012:role/r", context });
    const effectFor = (arn: string, context: RequestContext = {}, service?: string) => {
      const d = evaluateTrust(trust, { arn, accountId: "123456789012", service }, req(context));
      return d.effect === "allowed" ? d.match : d.effect;
    };
    it("trusts the named user directly, the account's others only through a condition, a service by name", () => {
      assert.equal(effectFor("arn:aws:iam::123456789012:user/ci"), "direct");
      assert.equal(effectFor("arn:aws:iam::123456789012:user/dev"), "implicitDeny");
      assert.equal(effectFor("arn:aws:iam::123456789012:user/dev", { "aws:principaltag/team": "ops" }), "account");
      assert.equal(effectFor("", {}, "ecs-tasks.amazonaws.com"), "direct");
      assert.equal(effectFor("", {}, "lambda.amazonaws.com"), "implicitDeny");
      assert.equal(effectFor("arn:aws:iam::210987654321:user/ci"), "implicitDeny");
    });
  });
});
