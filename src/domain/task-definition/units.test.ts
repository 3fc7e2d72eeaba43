import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseTaskCpu, parseTaskMemory } from "./units.js";

void describe("parseTaskCpu", () => {
  const cases: ReadonlyArray<readonly [string, number | undefined]> = [
    ["1024", 1024],
    ["1 vCPU", 1024],
    ["2 vcpu", 2048],
    ["0.125 vCPU", 128],
    [".25 vCPU", 256],
    ["1.5vcpu", 1536],
    ["  512  ", 512],
    ["0.1 vCPU", undefined],
    ["1.5", undefined],
    ["1024 units", undefined],
    ["-256", undefined],
    ["", undefined],
    ["1 GB", undefined],
  ];
  for (const [text, want] of cases) {
    void it(`reads ${JSON.stringify(text)} as ${String(want)}`, () => assert.equal(parseTaskCpu(text), want));
  }

  void it("reads any whole number of units back as itself", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1_000_000 }), (n) => parseTaskCpu(String(n)) === n));
  });

  void it("reads eighths of a vCPU as 128-unit steps", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1536 }), (eighths) => parseTaskCpu(`${eighths / 8} vCPU`) === eighths * 128));
  });
});

void describe("parseTaskMemory", () => {
  const cases: ReadonlyArray<readonly [string, number | undefined]> = [
    ["512", 512],
    ["1GB", 1024],
    ["1 GB", 1024],
    ["0.5gb", 512],
    ["30 GB", 30720],
    ["1 GiB", undefined],
    ["512MiB", undefined],
    ["1.5", undefined],
  ];
  for (const [text, want] of cases) {
    void it(`reads ${JSON.stringify(text)} as ${String(want)}`, () => assert.equal(parseTaskMemory(text), want));
  }

  void it("reads whole GB as 1024 MiB each", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 512 }), (gb) => parseTaskMemory(`${gb}GB`) === gb * 1024));
  });
});
