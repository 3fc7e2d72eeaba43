import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { PrincipalSpec } from "./document.js";
import { matchResourceNotPrincipal, matchResourcePrincipal, type ResourceCaller, type ResourcePrincipalMatch } from "./resource-principal.js";

const account = "123456789012";
const user: ResourceCaller = { arn: `arn:aws:iam::${account}:user/ci`, accountId: account };
const session: ResourceCaller = { arn: `arn:aws:sts::${account}:assumed-role/deployer/s1`, accountId: account, roleArn: `arn:aws:iam::${account}:role/deployer` };

describe("A resource policy's Principal, as IAM reads it for a caller of the same account", () => {
  const cases: [string, PrincipalSpec, ResourceCaller, ResourcePrincipalMatch][] = [
    ["everyone", "*", user, "named"],
    ['{"AWS": "*"} is everyone too', { AWS: ["*"] }, user, "named"],
    ["the user's ARN", { AWS: [user.arn] }, user, "named"],
    ["the user's ARN in a list", { AWS: ["arn:aws:iam::123456789012:user/other", user.arn] }, user, "named"],
    ["another user", { AWS: ["arn:aws:iam::123456789012:user/other"] }, user, false],
    ["the account's root ARN: a delegation", { AWS: [`arn:aws:iam::${account}:root`] }, user, "account"],
    ["the bare account id: a delegation", { AWS: [account] }, user, "account"],
    ["another account", { AWS: ["210987654321", "arn:aws:iam::210987654321:root"] }, user, false],
    ["a session's own ARN", { AWS: [session.arn] }, session, "named"],
    ["a session's role", { AWS: [session.roleArn!] }, session, "role"],
    ["another role", { AWS: [`arn:aws:iam::${account}:role/other`] }, session, false],
    ["a role ARN for a user", { AWS: [session.roleArn!] }, user, false],
    ["a service only", { Service: ["ecs-tasks.amazonaws.com"] }, user, false],
    ["user ARNs are case-sensitive", { AWS: [user.arn.toUpperCase()] }, user, false],
  ];
  for (const [what, spec, caller, expected] of cases) {
    it(`${String(expected)}: ${what}`, () => assert.equal(matchResourcePrincipal(spec, caller), expected));
  }

  it("NotPrincipal names everyone it does not list", () => {
    assert.equal(matchResourceNotPrincipal({ AWS: ["arn:aws:iam::123456789012:user/admin"] }, user), "named");
    assert.equal(matchResourceNotPrincipal({ AWS: [user.arn] }, user), false);
    assert.equal(matchResourceNotPrincipal({ AWS: [account] }, user), false);
  });
});
