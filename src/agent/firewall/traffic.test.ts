import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { intersect, type Traffic } from "./traffic.js";

describe("intersect: the traffic two rules both allow", () => {
  const all: Traffic = { protocol: "-1", fromPort: -1, toPort: -1 };
  const cases: [string, Traffic, Traffic, Traffic | undefined][] = [
    ["every protocol and a port range: the range", all, { protocol: "tcp", fromPort: 80, toPort: 90 }, { protocol: "tcp", fromPort: 80, toPort: 90 }],
    ["overlapping ranges: the overlap", { protocol: "tcp", fromPort: 0, toPort: 100 }, { protocol: "tcp", fromPort: 80, toPort: 443 }, { protocol: "tcp", fromPort: 80, toPort: 100 }],
    ["disjoint ranges: nothing", { protocol: "udp", fromPort: 53, toPort: 53 }, { protocol: "udp", fromPort: 54, toPort: 60 }, undefined],
    ["two protocols: nothing", { protocol: "tcp", fromPort: 53, toPort: 53 }, { protocol: "udp", fromPort: 53, toPort: 53 }, undefined],
    ["any ICMP and echo: echo", { protocol: "icmp", fromPort: -1, toPort: -1 }, { protocol: "icmp", fromPort: 8, toPort: -1 }, { protocol: "icmp", fromPort: 8, toPort: -1 }],
    ["ICMP any type whatever its code, and a type with a code: that type and code", { protocol: "icmp", fromPort: -1, toPort: 3 }, { protocol: "icmp", fromPort: 3, toPort: 1 }, { protocol: "icmp", fromPort: 3, toPort: 1 }],
    ["two ICMP types: nothing", { protocol: "icmp", fromPort: 8, toPort: -1 }, { protocol: "icmp", fromPort: 0, toPort: -1 }, undefined],
  ];
  for (const [name, a, b, want] of cases) {
    it(name, () => {
      assert.deepEqual(intersect(a, b), want);
      assert.deepEqual(intersect(b, a), want, "in either order");
    });
  }
});
