import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { findCycle } from "./dependencies.js";

/** A graph of `n` nodes whose edges only point at lower-numbered nodes: acyclic by construction. */
const dag = fc.integer({ min: 1, max: 10 }).chain((n) =>
  fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 })), { maxLength: 30 }).map((pairs) => {
    const edges = new Map<string, string[]>(Array.from({ length: n }, (_, i) => [`c${i}`, []]));
    for (const [a, b] of pairs) if (a > b) edges.get(`c${a}`)!.push(`c${b}`);
    return edges;
  }),
);

void describe("findCycle", () => {
  void it("finds none in a graph whose edges all point downwards", () => {
    fc.assert(fc.property(dag, (edges) => findCycle(edges) === undefined));
  });

  void it("finds one as soon as an edge points back up a path, and the path it returns is a real cycle", () => {
    fc.assert(
      fc.property(dag, (edges) => {
        const chain = [...edges.keys()];
        // Make c(n-1) -> ... -> c0 a path, then close it with c0 -> c(n-1).
        for (let i = chain.length - 1; i > 0; i--) edges.get(chain[i]!)!.push(chain[i - 1]!);
        edges.get(chain[0]!)!.push(chain[chain.length - 1]!);
        const cycle = findCycle(edges);
        assert.ok(cycle, "a cycle must be found");
        assert.equal(cycle[0], cycle[cycle.length - 1], "the path must close");
        for (let i = 0; i + 1 < cycle.length; i++) assert.ok(edges.get(cycle[i]!)!.includes(cycle[i + 1]!), `no edge ${cycle[i]} -> ${cycle[i + 1]}`);
      }),
    );
  });

  void it("reports a self-reference as a cycle of one", () => {
    assert.deepEqual(findCycle(new Map([["a", ["a"]]])), ["a", "a"]);
  });
});
