import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { IamRoleRecord } from "../state/iam-records.js";
import { ecsTasksPrincipal, trustsService } from "./service-trust.js";

const account = "123456789012";
const aRole = (...statements: object[]): IamRoleRecord => ({
  roleName: "app",
  roleId: "AROAEXAMPLE",
  arn: `arn:aws:iam::${account}:role/app`,
  path: "/",
  createdAtMs: 0,
  maxSessionDurationS: 3600,
  assumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
  tags: [],
  inlinePolicies: {},
  attachedPolicies: [],
});
const allowService = (service: string | string[], extra: object = {}) => ({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", ...extra });

describe("a role's trust in ecs-tasks.amazonaws.com", () => {
  const cases: [string, IamRoleRecord, boolean][] = [
    ["the service named", aRole(allowService(ecsTasksPrincipal)), true],
    ["among other services", aRole(allowService(["ec2.amazonaws.com", ecsTasksPrincipal])), true],
    ["another service only", aRole(allowService("ec2.amazonaws.com")), false],
    ["an AWS principal only", aRole({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "sts:AssumeRole" }), false],
    ["another action", aRole(allowService(ecsTasksPrincipal, { Action: "sts:TagSession" })), false],
    ["denied explicitly", aRole(allowService(ecsTasksPrincipal), { Effect: "Deny", Principal: { Service: ecsTasksPrincipal }, Action: "sts:*" }), false],
    ["aws:SourceAccount of this account", aRole(allowService(ecsTasksPrincipal, { Condition: { StringEquals: { "aws:SourceAccount": account } } })), true],
    ["aws:SourceAccount of another account", aRole(allowService(ecsTasksPrincipal, { Condition: { StringEquals: { "aws:SourceAccount": "999999999999" } } })), false],
  ];
  for (const [what, role, expected] of cases) {
    it(`${what}: ${expected ? "trusted" : "not trusted"}`, () => assert.equal(trustsService(role, ecsTasksPrincipal, account, Date.UTC(2026, 10, 29)), expected));
  }
});
