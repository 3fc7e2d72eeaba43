import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { SecretBox } from "./secret-box.js";

describe("SecretBox", () => {
  const box = SecretBox.ofKey(randomBytes(32));
  it("opens what it sealed, and seals the same secret differently each time", () => {
    const a = box.seal("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    const b = box.seal("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    assert.notEqual(a, b);
    assert.equal(a.includes("wJalr"), false);
    assert.equal(box.open(a), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    assert.equal(box.open(b), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  });
  it("opens nothing sealed under another key, altered, or not sealed at all", () => {
    const sealed = box.seal("secret");
    assert.equal(SecretBox.ofKey(randomBytes(32)).open(sealed), undefined);
    const parts = sealed.split(".");
    parts[2] = Buffer.from("SECRET").toString("base64url");
    assert.equal(box.open(parts.join(".")), undefined);
    for (const junk of ["", "v1", "v2.a.b.c", "secret"]) assert.equal(box.open(junk), undefined);
  });
});
