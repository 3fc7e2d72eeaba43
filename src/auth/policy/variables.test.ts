import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compilePolicyText, type CompiledPolicy } from "./compile.js";
import type { RequestContext } from "./conditions.js";
import { evaluate } from "./evaluate.js";
import { explain } from "./explain.js";
import { policySet } from "./policy-set.js";
import { compileTemplate, variableKeys } from "./variables.js";

const account = "123456789012";
const cluster = (name: string) => `arn:aws:ecs:us-east-1:${account}:cluster/${name}`;
const policy = (version: string, ...statements: unknown[]): CompiledPolicy => compilePolicyText("p", JSON.stringify({ Version: version, Statement: statements }), "identity");
const alice: RequestContext = { "aws:username": "alice", "aws:principaltag/team": "blue", "aws:sourceip": "10.1.2.3" };
const effect = (p: CompiledPolicy, resource: string, context: RequestContext, action = "ecs:ListTasks") => evaluate([p], { action, resource, context }).effect;

describe("Policy variables (Version 2012-10-17)", () => {
  const own = policy("2012-10-17", { Effect: "Allow", Action: "ecs:*", Resource: "arn:aws:ecs:*:*:cluster/${aws:username}-*" });

  it("${aws:username} in a Resource: each user their own clusters", () => {
    assert.equal(effect(own, cluster("alice-dev"), alice), "allowed");
    assert.equal(effect(own, cluster("bob-dev"), alice), "implicitDeny");
    assert.equal(effect(own, cluster("bob-dev"), { "aws:username": "bob" }), "allowed");
  });

  it("a key the request lacks (a role session has no aws:username) matches nothing, in Resource and in NotResource", () => {
    assert.equal(effect(own, cluster("alice-dev"), {}), "implicitDeny");
    const notOwn = policy("2012-10-17", { Effect: "Deny", Action: "ecs:*", NotResource: "arn:aws:ecs:*:*:cluster/${aws:username}-*" }, { Effect: "Allow", Action: "ecs:*", Resource: "*" });
    assert.equal(effect(notOwn, cluster("bob-dev"), alice), "explicitDeny");
    assert.equal(effect(notOwn, cluster("alice-dev"), alice), "allowed");
    assert.equal(effect(notOwn, cluster("alice-dev"), {}), "allowed", "the Deny cannot apply without the key, as in IAM");
  });

  it("a replaced value is literal: a * in it is no wildcard", () => {
    assert.equal(effect(own, cluster("alice-dev"), { "aws:username": "*" }), "implicitDeny");
    assert.equal(effect(own, cluster("*-dev"), { "aws:username": "*" }), "allowed");
  });

  it("${aws:PrincipalTag/team} and ${aws:SourceIp} in Condition values; multivalued keys cannot be replaced", () => {
    const tagged = policy("2012-10-17", { Effect: "Allow", Action: "ecs:*", Resource: "*", Condition: { StringEquals: { "ecs:ResourceTag/team": "${aws:PrincipalTag/team}" }, IpAddress: { "aws:SourceIp": "${aws:SourceIp}" } } });
    assert.equal(effect(tagged, "*", { ...alice, "ecs:resourcetag/team": "blue" }), "allowed");
    assert.equal(effect(tagged, "*", { ...alice, "ecs:resourcetag/team": "red" }), "implicitDeny");
    assert.equal(effect(tagged, "*", { "aws:sourceip": "10.1.2.3", "ecs:resourcetag/team": "blue" }), "implicitDeny");
    assert.equal(effect(tagged, "*", { ...alice, "aws:principaltag/team": ["blue", "red"], "ecs:resourcetag/team": "blue" }), "implicitDeny");
  });

  it("defaults and the special ${*}, ${?}, ${$}", () => {
    const fallback = policy("2012-10-17", { Effect: "Allow", Action: "ecs:*", Resource: "arn:aws:ecs:*:*:cluster/${aws:PrincipalTag/team, 'shared'}" });
    assert.equal(effect(fallback, cluster("shared"), {}), "allowed");
    assert.equal(effect(fallback, cluster("blue"), alice), "allowed");
    assert.equal(effect(fallback, cluster("shared"), alice), "implicitDeny");
    const star = policy("2012-10-17", { Effect: "Allow", Action: "ecs:*", Resource: "arn:aws:ecs:*:*:cluster/a${*}b" });
    assert.equal(effect(star, cluster("a*b"), {}), "allowed");
    assert.equal(effect(star, cluster("axxb"), {}), "implicitDeny");
    assert.deepEqual(compileTemplate("${$}{x} ${?} ${k, 'it''s'}")({}), [
      { text: "$", literal: true },
      { text: "{x} ", literal: false },
      { text: "?", literal: true },
      { text: " ", literal: false },
      { text: "it's", literal: true },
    ]);
    assert.deepEqual(variableKeys("a/${aws:username}/${*}/${ aws:PrincipalTag/x , 'd' }"), ["aws:username", "aws:PrincipalTag/x"]);
  });

  it("under Version 2008-10-17 ${…} is text, as in IAM", () => {
    const old = policy("2008-10-17", { Effect: "Allow", Action: "ecs:*", Resource: "arn:aws:ecs:*:*:cluster/${aws:username}" });
    assert.equal(effect(old, cluster("alice"), alice), "implicitDeny");
    assert.equal(effect(old, cluster("${aws:username}"), alice), "allowed");
  });

  it("the simulator names the variables' keys the request lacked", () => {
    assert.deepEqual(explain([own], { action: "ecs:ListTasks", resource: cluster("alice-dev"), context: {} }).missingContextKeys, ["aws:username"]);
  });

  it("the index's memo does not leak one user's answer to another (same action and resource)", () => {
    const set = policySet([own]);
    const ask = (context: RequestContext) => evaluate(set, { action: "ecs:ListTasks", resource: cluster("alice-x"), context }).effect;
    assert.equal(ask(alice), "allowed");
    assert.equal(ask({ "aws:username": "bob" }), "implicitDeny");
    assert.equal(ask(alice), "allowed");
  });
});
