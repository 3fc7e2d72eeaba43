import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { secretArn } from "../arn.js";
import { arnSuffix, isSecretName, parseSecretId, unresolvedArn } from "./secret-id.js";
import { dayOf } from "./secret.js";

const p = { region: "eu-west-3", accountId: "123456789012" };
const prefix = "arn:aws:secretsmanager:eu-west-3:123456789012:secret:";

describe("secret names and the forms of a SecretId", () => {
  it("takes names of 1 to 512 ASCII letters, digits and /_+=.@- only", () => {
    for (const ok of ["a", "app/db", "Valid/_+=.@-Name", "x".repeat(512), "db-AbCdEf"]) assert.ok(isSecretName(ok), ok);
    for (const bad of ["", "x".repeat(513), "Inv Name", "a*b", "a!b", "é", "a:b", "tab\t"]) assert.ok(!isSecretName(bad), JSON.stringify(bad));
  });

  it("reads a name, a full ARN and a partial ARN of this region and account; an ARN of elsewhere names nothing here", () => {
    assert.deepEqual(parseSecretId("app/db", p), { kind: "name", name: "app/db" });
    assert.deepEqual(parseSecretId(`${prefix}app/db-AbC123`, p), { kind: "arn", arn: `${prefix}app/db-AbC123`, tail: "app/db-AbC123" });
    assert.deepEqual(parseSecretId(`${prefix}app/db`, p), { kind: "arn", arn: `${prefix}app/db`, tail: "app/db" });
    for (const elsewhere of [
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db",
      "arn:aws:secretsmanager:eu-west-3:999999999999:secret:app/db",
      "arn:aws:ssm:eu-west-3:123456789012:parameter/app/db",
      prefix,
    ]) {
      assert.equal(parseSecretId(elsewhere, p)?.kind, "elsewhere", elsewhere);
    }
    assert.equal(parseSecretId("Inv Name", p), undefined);
  });

  it("authorizes what the store does not hold as written: a name as its partial ARN, an ARN as itself", () => {
    assert.equal(unresolvedArn({ kind: "name", name: "other/x" }, p), `${prefix}other/x`);
    assert.equal(unresolvedArn({ kind: "arn", arn: `${prefix}app/db-AbC123`, tail: "app/db-AbC123" }, p), `${prefix}app/db-AbC123`);
  });

  it("suffixes a new secret's ARN with 6 letters or digits", () => {
    let n = 0;
    const suffix = arnSuffix((max) => n++ % max);
    assert.equal(suffix, "ABCDEF");
    assert.match(arnSuffix((max) => max - 1), /^9{6}$/);
    assert.equal(secretArn(p, "app/db", suffix), `${prefix}app/db-ABCDEF`);
  });

  it("keeps days, not times, for LastAccessedDate (midnight UTC)", () => {
    const noon = Date.UTC(2026, 10, 29, 12, 30);
    assert.equal(dayOf(noon), Date.UTC(2026, 10, 29));
    assert.equal(dayOf(Date.UTC(2026, 10, 29)), Date.UTC(2026, 10, 29));
  });
});
