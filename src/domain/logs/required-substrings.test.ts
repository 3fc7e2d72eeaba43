import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { matchesFilter, parseFilterPattern, type FilterPattern } from "./filter-pattern.js";
import { requiredSubstrings } from "./required-substrings.js";

const compiled = (text: string): FilterPattern => {
  const p = parseFilterPattern(text);
  assert.ok(!("invalid" in p));
  return p;
};

describe("the substrings a matching event must contain (the store's pre-filter)", () => {
  it("names what each kind of pattern needs", () => {
    assert.deepEqual(requiredSubstrings(compiled("ERROR Exception -debug")), [["ERROR"], ["Exception"]]);
    assert.deepEqual(requiredSubstrings(compiled("?ERROR ?WARN")), [["ERROR", "WARN"]]);
    assert.deepEqual(requiredSubstrings(compiled("%ERR.R%")), []);
    assert.deepEqual(requiredSubstrings(compiled('{ $.level = "error" && $.latency > 100 }')), [['"level"'], ['"latency"']]);
    assert.deepEqual(requiredSubstrings(compiled("{ $.a = 1 || $.b.c = 2 }")), [['"a"', '"c"']]);
    assert.deepEqual(requiredSubstrings(compiled("{ $.a = 1 || $.b NOT EXISTS }")), []);
    assert.deepEqual(requiredSubstrings(compiled("[ip, user=frank, ..., status=5*]")), [["frank"], ["5"]]);
    assert.deepEqual(requiredSubstrings(compiled("")), []);
  });

  it("never excludes an event the pattern matches (property)", () => {
    const patterns = ["ERROR", "ERROR -x", "?a ?b", '"a b"', '{ $.a = 1 }', '{ $.a = "x*" || $.b > 2 }', "{ $.a EXISTS && $.b IS NULL }", "[x=a*, ...]", "[x, y=b, z]"].map(compiled);
    const word = fc.constantFrom("a", "b", "x", "ERROR", "1", "3", "ab", '"a"', '"b"', "{", "}", ":", ",", " ", "null", "frank");
    const message = fc.oneof(
      fc.array(word, { maxLength: 8 }).map((ws) => ws.join(" ")),
      fc.record({ a: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom("x", "xy", "b")), b: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 5 })) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
    );
    fc.assert(
      fc.property(fc.constantFrom(...patterns), message, (p, m) => {
        if (!matchesFilter(p, m)) return true;
        return requiredSubstrings(p).every((clause) => clause.some((s) => m.includes(s)));
      }),
      { numRuns: 2000 },
    );
  });
});
