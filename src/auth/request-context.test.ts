import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { decide } from "./authorize.js";
import { compilePolicyText } from "./policy/compile.js";
import { policySet } from "./policy/policy-set.js";
import type { AssumedRolePrincipal, IamUserPrincipal, Principal } from "./principal.js";
import { requestContext, type RequestFacts } from "./request-context.js";

const account = "123456789012";
const set = (...docs: object[]) => policySet(docs.map((d, i) => compilePolicyText(`p${i}`, JSON.stringify({ Version: "2012-10-17", Statement: d }), "identity")));

const aUser = (overrides: Partial<IamUserPrincipal> = {}): IamUserPrincipal => ({
  kind: "user",
  accessKeyId: "AKIAUSER",
  arn: `arn:aws:iam::${account}:user/alice`,
  userName: "alice",
  userId: "AIDAALICE",
  tags: {},
  policies: set(),
  ...overrides,
});

const aSession = (overrides: Partial<AssumedRolePrincipal> = {}): AssumedRolePrincipal => ({
  kind: "assumed-role",
  accessKeyId: "ASIASESSION",
  arn: `arn:aws:sts::${account}:assumed-role/deploy/s1`,
  roleArn: `arn:aws:iam::${account}:role/deploy`,
  roleName: "deploy",
  roleId: "AROADEPLOY",
  sessionName: "s1",
  tags: {},
  policies: set(),
  ...overrides,
});

const facts = (overrides: Partial<RequestFacts> = {}): RequestFacts => ({ sourceIp: "10.1.2.3", region: "eu-west-1", nowMs: 1_764_400_000_123, secure: true, ...overrides });

/** Every key a request can have, and a few it cannot, in the case conditions use. */
const someKeyNames = [
  "aws:sourceip",
  "aws:requestedregion",
  "aws:currenttime",
  "aws:epochtime",
  "aws:securetransport",
  "aws:principalarn",
  "aws:principalaccount",
  "aws:principaltype",
  "aws:userid",
  "aws:username",
  "aws:principaltag/team",
  "aws:principaltag/cost",
  "aws:tagkeys",
  "ecs:cluster",
  "ecs:service",
];

describe("the request context", () => {
  it("restricted to some keys, gives each exactly the value the whole context gives it", () => {
    const principals = fc.oneof(
      fc.record({ team: fc.constantFrom("blue", "red"), Team: fc.constantFrom("green", "BLUE") }, { requiredKeys: [] }).map((tags) => aUser({ tags })),
      fc.record({ cost: fc.constantFrom("1", "2") }, { requiredKeys: [] }).map((tags) => aSession({ tags })),
    );
    const serviceKeys = fc.option(fc.record({ "ecs:cluster": fc.constantFrom("arn:aws:ecs:eu-west-1:123456789012:cluster/a"), "ECS:Cluster": fc.constant("b") }, { requiredKeys: [] }), { nil: undefined });
    fc.assert(
      fc.property(principals, fc.option(fc.constantFrom("10.0.0.1", "::ffff:127.0.0.1"), { nil: undefined }), serviceKeys, fc.subarray(someKeyNames), fc.boolean(), (principal, sourceIp, service, keys, lazily) => {
        const f = facts({ sourceIp, serviceKeys: lazily && service ? () => service : service });
        const whole = requestContext(principal, f, account);
        const expected = Object.fromEntries(keys.filter((k) => whole[k] !== undefined).map((k) => [k, whole[k]]));
        assert.deepEqual(requestContext(principal, f, account, keys), expected);
      }),
    );
  });

  it("builds the service's keys only when a policy reads one of them", () => {
    let asked = 0;
    const serviceKeys = () => {
      asked++;
      return { "ecs:cluster": `arn:aws:ecs:eu-west-1:${account}:cluster/a` };
    };
    const request = { action: "ecs:ListTasks", resource: `arn:aws:ecs:eu-west-1:${account}:cluster/a` };
    const plain = aUser({ policies: set({ Effect: "Allow", Action: "ecs:List*", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } }) });
    assert.equal(decide(plain, request, facts({ serviceKeys }), account).effect, "allowed");
    assert.equal(asked, 0);
    const byCluster = aUser({ policies: set({ Effect: "Allow", Action: "ecs:List*", Resource: "*", Condition: { ArnEquals: { "ECS:cluster": `arn:aws:ecs:eu-west-1:${account}:cluster/a` } } }) });
    assert.equal(decide(byCluster, request, facts({ serviceKeys }), account).effect, "allowed");
    assert.equal(asked, 1);
  });

  it("a permissions boundary reads its own keys, which the identity's policies need not name", () => {
    const policies = set({ Effect: "Allow", Action: "ecs:ListClusters", Resource: "*" });
    const boundary = set({ Effect: "Allow", Action: "ecs:*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalTag/team": "blue" } } });
    const ask = (p: Principal) => decide(p, { action: "ecs:ListClusters", resource: "*" }, facts(), account).effect;
    assert.equal(ask(aUser({ policies, boundary, tags: { Team: "blue" } })), "allowed");
    assert.equal(ask(aUser({ policies, boundary, tags: { team: "red" } })), "implicitDeny");
  });

  it("an IpAddress condition reads each new source address, not only the first it saw", () => {
    const p = aSession({ policies: set({ Effect: "Allow", Action: "ecs:ListClusters", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": ["10.0.0.0/8", "::1/128"] } } }) });
    const ask = (sourceIp: string | undefined) => decide(p, { action: "ecs:ListClusters", resource: "*" }, facts({ sourceIp }), account).effect;
    assert.deepEqual(["10.9.9.9", "192.168.0.1", "::1", "::ffff:10.0.0.1", "not an address", "10.0.0.1", undefined].map(ask), [
      "allowed",
      "implicitDeny",
      "allowed",
      "allowed",
      "implicitDeny",
      "allowed",
      "implicitDeny",
    ]);
  });
});
