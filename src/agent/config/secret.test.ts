import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { Secret } from "./secret.js";

describe("Secret", () => {
  const s = new Secret("hunter2");

  it("gives its value only when asked", () => assert.equal(s.reveal(), "hunter2"));

  it("never shows it in strings, JSON or inspection", () => {
    for (const shown of [String(s), `${s.toString()}`, JSON.stringify({ s }), inspect({ nested: { s } }, { depth: 5 })]) {
      assert.ok(!shown.includes("hunter2"), shown);
      assert.ok(shown.includes("[redacted]"), shown);
    }
  });
});
