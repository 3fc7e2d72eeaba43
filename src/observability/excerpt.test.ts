import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { boundMessage, excerpt } from "./excerpt.js";

describe("excerpt", () => {
  const cases: [string, string | number | undefined, number | undefined, string][] = [
    ["keeps a short value", "my-cluster", undefined, "my-cluster"],
    ["cuts a long value and says how much is left", "x".repeat(100), 10, `${"x".repeat(10)}…(+90 more)`],
    ["escapes line breaks, so a value cannot forge a log line", "a\nb\r\u2028c", undefined, "a\\u000ab\\u000d\\u2028c"],
    ["escapes backslashes, so an escape is never ambiguous", "a\\u000a", undefined, "a\\\\u000a"],
    ["keeps non-ASCII letters", "café ☕", undefined, "café ☕"],
    ["never splits a surrogate pair", "ab😀cd", 3, "ab…(+4 more)"],
    ["escapes a lone surrogate", "a\ud800b", undefined, "a\\ud800b"],
    ["shows undefined as nothing", undefined, undefined, ""],
    ["shows numbers", 42, undefined, "42"],
  ];
  for (const [what, value, max, expected] of cases) it(what, () => assert.equal(excerpt(value, max), expected));

  it("bounds any input to max plus a short suffix", () => {
    for (const n of [0, 1, 63, 64, 65, 10_000, 1_000_000]) assert.ok(excerpt("\n".repeat(n)).length <= 64 * 6 + 20);
  });
});

describe("boundMessage", () => {
  it("leaves a message under the bound as it is", () => assert.equal(boundMessage("Missing 'x'.\n"), "Missing 'x'.\n"));
  it("cuts a longer one", () => assert.equal(boundMessage("abcdef", 4), "abcd…(+2 more)"));
});
