import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkCount, checkReason, checkSignIn, credentialsFromJson } from "./forms.js";

const good = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1" };

describe("console forms", () => {
  it("signs in with an access key, a secret key and a region, and a session token when given", () => {
    assert.deepEqual(checkSignIn({ ...good, accessKeyId: ` ${good.accessKeyId} ` }), { ok: true, value: good });
    assert.deepEqual(checkSignIn({ ...good, sessionToken: "tok" }), { ok: true, value: { ...good, sessionToken: "tok" } });
  });

  it("names the field to fix", () => {
    const problem = (fields: Record<string, string>): string => {
      const c = checkSignIn(fields);
      return c.ok ? "" : c.problem;
    };
    assert.match(problem({ ...good, accessKeyId: "" }), /access key id/);
    assert.match(problem({ ...good, accessKeyId: "akia lower" }), /access key id/);
    assert.match(problem({ ...good, secretAccessKey: " " }), /secret access key/);
    assert.match(problem({ ...good, region: "Virginia" }), /region such as us-east-1/);
  });

  it("reads back only whole credentials from session storage", () => {
    assert.deepEqual(credentialsFromJson(JSON.stringify(good)), good);
    for (const text of [null, "", "{", "[]", "null", JSON.stringify({ ...good, region: 5 }), JSON.stringify({ accessKeyId: good.accessKeyId })]) {
      assert.equal(credentialsFromJson(text), undefined, String(text));
    }
  });

  it("checks counts and reasons", () => {
    assert.deepEqual(checkCount(" 3 ", "Desired count", 0, 1000), { ok: true, value: 3 });
    for (const t of ["", "-1", "1.5", "1001", "x"]) assert.equal(checkCount(t, "Desired count", 0, 1000).ok, false, t);
    assert.deepEqual(checkReason("  "), { ok: true, value: undefined });
    assert.deepEqual(checkReason("maintenance"), { ok: true, value: "maintenance" });
    assert.equal(checkReason("x".repeat(256)).ok, false);
  });
});
