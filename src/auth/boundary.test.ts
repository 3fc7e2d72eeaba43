import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decide, denialMessage } from "./authorize.js";
import { compilePolicyText } from "./policy/compile.js";
import { withinBoundary, type Decision } from "./policy/evaluate.js";
import { policySet } from "./policy/policy-set.js";
import type { AssumedRolePrincipal } from "./principal.js";

const set = (...statements: object[]) => policySet([compilePolicyText("p", JSON.stringify({ Version: "2012-10-17", Statement: statements }), "identity")]);
const facts = { region: "us-east-1", nowMs: 0, secure: false };
const session = (boundary?: ReturnType<typeof set>): AssumedRolePrincipal => ({
  kind: "assumed-role",
  accessKeyId: "ASIA",
  arn: "arn:aws:sts::123456789012:assumed-role/app/t1",
  roleArn: "arn:aws:iam::123456789012:role/app",
  roleName: "app",
  roleId: "AROA",
  sessionName: "t1",
  policies: set({ Effect: "Allow", Action: "ecs:*", Resource: "*" }, { Effect: "Deny", Action: "ecs:DeleteCluster", Resource: "*" }),
  boundary,
  tags: {},
});

describe("Permissions boundaries in the decision", () => {
  const by = { policy: "p", index: 0 };
  const allowed: Decision = { effect: "allowed", by };
  const deny: Decision = { effect: "explicitDeny", by };
  const none: Decision = { effect: "implicitDeny" };
  const table: [string, Decision, Decision, Decision][] = [
    ["both allow", allowed, allowed, allowed],
    ["the boundary does not allow", allowed, none, { effect: "implicitDeny", boundary: true }],
    ["the boundary denies", allowed, deny, { effect: "explicitDeny", by, boundary: true }],
    ["the identity does not allow, the boundary does", none, allowed, none],
    ["the identity denies first", deny, deny, deny],
    ["the identity does not allow, the boundary denies", none, deny, { effect: "explicitDeny", by, boundary: true }],
  ];
  for (const [what, identity, boundary, expected] of table) it(what, () => assert.deepEqual(withinBoundary(identity, () => boundary), expected));

  it("a role session with a boundary: allowed only where both allow, refused in IAM's words", () => {
    const bounded = session(set({ Effect: "Allow", Action: "ecs:List*", Resource: "*" }));
    assert.equal(decide(bounded, { action: "ecs:ListClusters", resource: "*" }, facts, "123456789012").effect, "allowed");
    const run = { action: "ecs:RunTask", resource: "*" };
    const d = decide(bounded, run, facts, "123456789012");
    assert.deepEqual(d, { effect: "implicitDeny", boundary: true });
    assert.equal(denialMessage(bounded, run, d), "User: arn:aws:sts::123456789012:assumed-role/app/t1 is not authorized to perform: ecs:RunTask on resource: * because no permissions boundary allows the ecs:RunTask action");
    const unbounded = session();
    assert.equal(decide(unbounded, run, facts, "123456789012").effect, "allowed");
    const del = { action: "ecs:DeleteCluster", resource: "*" };
    assert.equal(denialMessage(bounded, del, decide(bounded, del, facts, "123456789012")), "User: arn:aws:sts::123456789012:assumed-role/app/t1 is not authorized to perform: ecs:DeleteCluster on resource: * with an explicit deny in an identity-based policy");
  });
});
