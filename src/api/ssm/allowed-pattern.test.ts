import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkAllowedPattern } from "./allowed-pattern.js";

describe("AllowedPattern", () => {
  it("must match the whole value, as Java's String.matches does", () => {
    assert.equal(checkAllowedPattern("\\d{1,4}", "1000"), "match");
    assert.equal(checkAllowedPattern("\\d{1,4}", "10000"), "mismatch");
    assert.equal(checkAllowedPattern("^\\d+$", "42"), "match");
    assert.equal(checkAllowedPattern("a|b", "ab"), "mismatch", "an alternation is anchored as a whole");
    assert.equal(checkAllowedPattern(".{8,20}", "short"), "mismatch");
  });

  it("tells an invalid pattern apart", () => {
    assert.equal(checkAllowedPattern("(", "x"), "invalid");
    assert.equal(checkAllowedPattern("[z-a]", "x"), "invalid");
  });

  it("gives up on a pattern that backtracks without end, in a bounded time", () => {
    const started = Date.now();
    assert.equal(checkAllowedPattern("(a+)+$", `${"a".repeat(40)}b`), "too-slow");
    assert.ok(Date.now() - started < 2_000);
  });
});
