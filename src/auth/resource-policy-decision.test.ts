import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decide, denialMessage } from "./authorize.js";
import { compilePolicyText } from "./policy/compile.js";
import { policySet } from "./policy/policy-set.js";
import { compileResourcePolicy } from "./policy/resource-policy.js";
import type { AssumedRolePrincipal, IamUserPrincipal, Principal } from "./principal.js";

const account = "123456789012";
const repo = `arn:aws:ecr:us-east-1:${account}:repository/team/app`;
const set = (...statements: object[]) => statements.length === 0 ? policySet([]) : policySet([compilePolicyText("p", JSON.stringify({ Version: "2012-10-17", Statement: statements }), "identity")]);
const repoPolicy = (...statements: object[]) => compileResourcePolicy(repo, JSON.stringify({ Version: "2012-10-17", Statement: statements }));
const facts = { region: "us-east-1", nowMs: 0, secure: false, sourceIp: "10.0.0.7" };
const user = (name: string, policies = set(), boundary?: ReturnType<typeof set>): IamUserPrincipal => ({
  kind: "user",
  accessKeyId: "AKIA",
  arn: `arn:aws:iam::${account}:user/${name}`,
  userName: name,
  userId: "AIDA",
  policies,
  boundary,
  tags: {},
});
const session = (boundary?: ReturnType<typeof set>): AssumedRolePrincipal => ({
  kind: "assumed-role",
  accessKeyId: "ASIA",
  arn: `arn:aws:sts::${account}:assumed-role/puller/s1`,
  roleArn: `arn:aws:iam::${account}:role/puller`,
  roleName: "puller",
  roleId: "AROA",
  sessionName: "s1",
  policies: set(),
  boundary,
  tags: {},
});
const pull = { action: "ecr:BatchGetImage", resource: repo };
const effect = (p: Principal, rp: ReturnType<typeof repoPolicy> | undefined, request = pull) => decide(p, request, facts, account, rp).effect;

const allowAll = set({ Effect: "Allow", Action: "ecr:*", Resource: "*" });
const denyPull = (principal: unknown) => repoPolicy({ Effect: "Deny", Principal: principal, Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] });
const allowPull = (principal: unknown) => repoPolicy({ Sid: "Pull", Effect: "Allow", Principal: principal, Action: "ecr:BatchGetImage" });

describe("Repository policies in the decision (same account)", () => {
  const cases: [string, Principal, ReturnType<typeof repoPolicy> | undefined, string][] = [
    ["no repository policy: the identity policy decides", user("admin", allowAll), undefined, "allowed"],
    ["a Deny naming the user beats its identity allow", user("admin", allowAll), denyPull({ AWS: `arn:aws:iam::${account}:user/admin` }), "explicitDeny"],
    ["a Deny for everyone beats its identity allow", user("admin", allowAll), denyPull("*"), "explicitDeny"],
    ["a Deny naming the account applies to its users", user("admin", allowAll), denyPull({ AWS: account }), "explicitDeny"],
    ["a Deny naming another user does not", user("admin", allowAll), denyPull({ AWS: `arn:aws:iam::${account}:user/other` }), "allowed"],
    ["a Deny of other actions does not", user("admin", allowAll), repoPolicy({ Effect: "Deny", Principal: "*", Action: "ecr:Put*" }), "allowed"],
    ["a Deny with an ecr:* pattern", user("admin", allowAll), repoPolicy({ Effect: "Deny", Principal: "*", Action: "ecr:*" }), "explicitDeny"],
    ["a Deny whose condition fails does not apply", user("admin", allowAll), repoPolicy({ Effect: "Deny", Principal: "*", Action: "ecr:*", Condition: { NotIpAddress: { "aws:SourceIp": "10.0.0.0/8" } } }), "allowed"],
    ["a Deny whose condition holds applies", user("admin", allowAll), repoPolicy({ Effect: "Deny", Principal: "*", Action: "ecr:*", Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } }), "explicitDeny"],
    ["NotPrincipal: a Deny of everyone but the admin spares the admin", user("admin", allowAll), repoPolicy({ Effect: "Deny", NotPrincipal: { AWS: `arn:aws:iam::${account}:user/admin` }, Action: "ecr:*" }), "allowed"],
    ["NotPrincipal: and refuses the others", user("dev", allowAll), repoPolicy({ Effect: "Deny", NotPrincipal: { AWS: `arn:aws:iam::${account}:user/admin` }, Action: "ecr:*" }), "explicitDeny"],
    ["an Allow naming the user grants without an identity policy", user("reader"), allowPull({ AWS: `arn:aws:iam::${account}:user/reader` }), "allowed"],
    ["an Allow for everyone grants", user("reader"), allowPull("*"), "allowed"],
    ["an Allow naming the account only delegates", user("reader"), allowPull({ AWS: `arn:aws:iam::${account}:root` }), "implicitDeny"],
    ["an Allow naming another user grants nothing", user("reader"), allowPull({ AWS: `arn:aws:iam::${account}:user/other` }), "implicitDeny"],
    ["an Allow of another action grants nothing", user("reader"), repoPolicy({ Effect: "Allow", Principal: "*", Action: "ecr:PutImage" }), "implicitDeny"],
    ["an identity-based Deny beats the repository's Allow", user("reader", set({ Effect: "Deny", Action: "ecr:*", Resource: "*" })), allowPull("*"), "explicitDeny"],
    ["a boundary's Deny beats the repository's Allow", user("reader", set(), set({ Effect: "Deny", Action: "ecr:*", Resource: "*" })), allowPull("*"), "explicitDeny"],
    ["an Allow naming the user is not limited by its boundary's implicit deny", user("reader", set(), set({ Effect: "Allow", Action: "ecs:*", Resource: "*" })), allowPull({ AWS: `arn:aws:iam::${account}:user/reader` }), "allowed"],
    ["an Allow naming a session's role grants", session(), allowPull({ AWS: `arn:aws:iam::${account}:role/puller` }), "allowed"],
    ["an Allow naming a session's role stays within the role's boundary", session(set({ Effect: "Allow", Action: "ecs:*", Resource: "*" })), allowPull({ AWS: `arn:aws:iam::${account}:role/puller` }), "implicitDeny"],
    ["root keeps full access", { kind: "root", accessKeyId: "AKIA", arn: `arn:aws:iam::${account}:root` }, denyPull("*"), "allowed"],
  ];
  for (const [what, principal, rp, expected] of cases) {
    it(`${expected}: ${what}`, () => assert.equal(effect(principal, rp), expected));
  }

  it("names the repository policy's statement that allowed", () => {
    assert.deepEqual(decide(user("reader"), pull, facts, account, allowPull("*")), { effect: "allowed", by: { policy: repo, index: 0, sid: "Pull" } });
  });

  it("refuses in AWS's words: a resource-based deny, or no identity-based allow", () => {
    const admin = user("admin", allowAll);
    const denied = decide(admin, pull, facts, account, denyPull("*"));
    assert.equal(denialMessage(admin, pull, denied), `User: ${admin.arn} is not authorized to perform: ecr:BatchGetImage on resource: ${repo} with an explicit deny in a resource-based policy`);
    const reader = user("reader");
    const none = decide(reader, pull, facts, account, allowPull({ AWS: account }));
    assert.equal(denialMessage(reader, pull, none), `User: ${reader.arn} is not authorized to perform: ecr:BatchGetImage on resource: ${repo} because no identity-based policy allows the ecr:BatchGetImage action`);
  });
});
