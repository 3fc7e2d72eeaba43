import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHmac } from "node:crypto";
import { authorizationToken, checkPassword, issuePassword, legacyPrincipal, loadOrCreateTokenSecret, passwordRegion, tokenLifetimeMs } from "./auth-token.js";

const secret = Buffer.alloc(32, 1);
const other = Buffer.alloc(32, 2);
const t0 = Date.parse("2026-05-01T00:00:00Z");
const caller = "AKIAEXAMPLE";
const region = "eu-west-1";

/** A password as versions before principals issued them: `berth1.<expiry>.<mac>`. */
const legacyPassword = (key: Buffer, expiresAtMs: number): string =>
  `berth1.${expiresAtMs}.${createHmac("sha256", key).update(`berth1.${expiresAtMs}`).digest("base64url")}`;

describe("registry passwords", () => {
  it("are valid until their expiry and not at it", () => {
    const pw = issuePassword(secret, t0 + tokenLifetimeMs, caller, region);
    assert.deepEqual(checkPassword(secret, pw, t0), { ok: true, expiresAtMs: t0 + tokenLifetimeMs, principal: caller, region });
    assert.deepEqual(checkPassword(secret, pw, t0 + tokenLifetimeMs - 1), { ok: true, expiresAtMs: t0 + tokenLifetimeMs, principal: caller, region });
    assert.deepEqual(checkPassword(secret, pw, t0 + tokenLifetimeMs), { ok: false, reason: "expired" });
  });

  const refusals: [string, string, string][] = [
    ["another server's password", issuePassword(other, t0 + 1000, caller, region), "bad-signature"],
    ["a moved expiry", issuePassword(secret, t0 + 1000, caller, region).replace(`.${t0 + 1000}.`, `.${t0 + 9_999_999}.`), "bad-signature"],
    [
      "a changed principal",
      issuePassword(secret, t0 + 1000, caller, region).replace(Buffer.from(caller).toString("base64url"), Buffer.from("AKIAOTHER").toString("base64url")),
      "bad-signature",
    ],
    ["a changed region", issuePassword(secret, t0 + 1000, caller, region).replace(".eu-west-1.", ".us-east-1."), "bad-signature"],
    ["an old-format password of another server", legacyPassword(other, t0 + 1000), "bad-signature"],
    ["an expired old-format password", legacyPassword(secret, t0), "expired"],
    ["an access key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "malformed"],
    ["an empty password", "", "malformed"],
  ];
  for (const [name, pw, reason] of refusals) {
    it(`refuse ${name} (${reason})`, () => assert.deepEqual(checkPassword(secret, pw, t0), { ok: false, reason }));
  }

  it("accept exactly the unexpired passwords signed with the secret, for the principal they name (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 45 }), fc.integer({ min: 0, max: 2 ** 45 }), fc.string({ minLength: 1, maxLength: 64 }), (expiresAtMs, nowMs, principal) => {
        const check = checkPassword(secret, issuePassword(secret, expiresAtMs, principal, region), nowMs);
        assert.equal(check.ok, nowMs < expiresAtMs);
        if (check.ok) assert.equal(check.principal, principal);
      }),
    );
  });

  it("accept an unexpired password issued before regions, naming no region (the home region's)", () => {
    const payload = `berth2.${t0 + 1000}.${Buffer.from(caller).toString("base64url")}`;
    const pw = `${payload}.${createHmac("sha256", secret).update(payload).digest("base64url")}`;
    assert.deepEqual(checkPassword(secret, pw, t0), { ok: true, expiresAtMs: t0 + 1000, principal: caller });
    assert.equal(passwordRegion(pw), undefined);
  });

  it("name their region, readable before verification (which registry checks them)", () => {
    assert.equal(passwordRegion(issuePassword(secret, t0 + 1000, caller, "ap-southeast-2")), "ap-southeast-2");
    assert.equal(passwordRegion("berth3.1.QQ.eu-west-1"), undefined);
  });

  it("accept an unexpired old-format password (issued before principals) as the one legacy principal", () => {
    assert.deepEqual(checkPassword(secret, legacyPassword(secret, t0 + 1000), t0), { ok: true, expiresAtMs: t0 + 1000, principal: legacyPrincipal });
  });

  it("refuse any single-character change (property)", () => {
    const pw = issuePassword(secret, t0 + tokenLifetimeMs, caller, region);
    fc.assert(
      fc.property(fc.nat({ max: pw.length - 1 }), fc.constantFrom(..."0123456789abcXYZ_-."), (i, ch) => {
        fc.pre(pw[i] !== ch);
        assert.equal(checkPassword(secret, pw.slice(0, i) + ch + pw.slice(i + 1), t0).ok, false);
      }),
    );
  });

  it("travel as base64 of AWS:<password>, as docker login expects", () => {
    assert.equal(Buffer.from(authorizationToken("p:w"), "base64").toString("utf8"), "AWS:p:w");
  });
});

describe("the token secret", () => {
  it("is made once, owner-only, and read back unchanged (tokens survive a restart)", () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-secret-"));
    try {
      const path = join(dir, "token-secret");
      const first = loadOrCreateTokenSecret(path);
      assert.equal(first.length, 32);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.deepEqual(loadOrCreateTokenSecret(path), first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
