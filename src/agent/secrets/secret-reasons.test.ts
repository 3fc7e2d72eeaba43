import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { capBytes, maxTaskReasonBytes, secretsFailureReason, type SecretsFailures } from "./secret-reasons.js";

const prefix = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ";

describe("a task's reason for its failed secrets, as the ECS agent makes it", () => {
  const ssm = "unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: /a";
  const asmA = "unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret a from secrets manager: ResourceNotFoundException: gone";
  const asmB = "unable to retrieve secret from asm: service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key k";
  const registry = "unable to retrieve secret from asm: asm fetching username: AuthorizationData is malformed, empty field";
  const cases: [string, SecretsFailures, string | undefined][] = [
    ["nothing failed", { asm: [] }, undefined],
    ["one parameter batch", { ssm, asm: [] }, `${prefix}${ssm}`],
    ["one secret", { asm: [asmA] }, `${prefix}${asmA}`],
    ["two secrets: both, joined with ';' in the definition's order", { asm: [asmA, asmB] }, `${prefix}${asmA};${asmB}`],
    ["SSM and Secrets Manager: one resource's reason, SSM's", { ssm, asm: [asmA, asmB] }, `${prefix}${ssm}`],
    ["secrets and registry credentials: the secrets'", { asm: [asmB], registry }, `${prefix}${asmB}`],
    ["registry credentials alone", { asm: [], registry }, `${prefix}${registry}`],
  ];
  for (const [what, failures, reason] of cases) it(what, () => assert.equal(secretsFailureReason(failures), reason));

  it("is cut to 1024 bytes, as the ECS agent cuts a task's reason", () => {
    const many = Array.from({ length: 20 }, (_, i) => `${asmA}${i}`);
    const reason = secretsFailureReason({ asm: many }) ?? "";
    assert.equal(Buffer.byteLength(reason), maxTaskReasonBytes);
    assert.ok(reason.startsWith(`${prefix}${many[0]};${many[1]};`));
  });
});

describe("capBytes", () => {
  const cases: [string, string, number, string][] = [
    ["short text as it is", "abc", 5, "abc"],
    ["exactly the cap", "abcde", 5, "abcde"],
    ["ASCII cut at the cap", "abcdef", 5, "abcde"],
    ["a 2-byte character that would straddle the cap left out", "abcdé", 5, "abcd"],
    ["a 4-byte character that would straddle the cap left out", "ab😀", 5, "ab"],
    ["a character that ends at the cap kept", "abcé", 5, "abcé"],
  ];
  for (const [what, text, max, cut] of cases) it(what, () => assert.equal(capBytes(text, max), cut));
});
