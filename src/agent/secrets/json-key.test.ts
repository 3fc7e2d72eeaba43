import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { goFloat, jsonKeyValue } from "./json-key.js";

describe("a json key of a secret, as the ECS agent injects it", () => {
  const secret = JSON.stringify({ user: "u", port: 5432, big: 10000000, ratio: 0.25, on: true, none: null, list: [1, "a"], nested: { b: 2, a: "x" } });
  const cases: [string, string][] = [
    ["user", "u"],
    ["port", "5432"],
    ["big", "1e+07"],
    ["ratio", "0.25"],
    ["on", "true"],
    ["none", "<nil>"],
    ["list", "[1 a]"],
    ["nested", "map[a:x b:2]"],
  ];
  for (const [key, want] of cases) {
    it(`${key} → ${want}`, () => assert.deepEqual(jsonKeyValue(secret, key), { value: want }));
  }

  it("says which key a JSON secret lacks", () => {
    assert.deepEqual(jsonKeyValue(secret, "password"), { problem: "retrieved secret from Secrets Manager did not contain json key password" });
  });

  it("never quotes a secret that is not JSON, or not an object", () => {
    for (const text of ["hunter2", "[\"hunter2\"]", "\"hunter2\"", ""]) {
      const out = jsonKeyValue(text, "password");
      assert.ok("problem" in out, text);
      assert.ok(!out.problem.includes("hunter2"), out.problem);
      assert.match(out.problem, /json key password$/);
    }
  });

  it("writes numbers as Go's %v does", () => {
    const cases: [number, string][] = [[0, "0"], [100000, "100000"], [1e6, "1e+06"], [1234567, "1.234567e+06"], [0.0001, "0.0001"], [0.00001, "1e-05"], [-2.5, "-2.5"], [1e21, "1e+21"]];
    for (const [n, want] of cases) assert.equal(goFloat(n), want, String(n));
  });
});
