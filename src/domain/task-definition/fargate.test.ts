import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { aFargateTaskDefinition } from "./builders.js";
import { fargateCpuValues, fargateMemoryOptions, isFargateSize } from "./fargate.js";
import { normalizeTaskDefinition } from "./normalize.js";

void describe("Fargate task sizes", () => {
  void it("offers the sizes of the developer guide's table", () => {
    assert.deepEqual(fargateCpuValues, [256, 512, 1024, 2048, 4096, 8192, 16384]);
    assert.deepEqual(fargateMemoryOptions(256), [512, 1024, 2048]);
    assert.deepEqual(fargateMemoryOptions(512), [1024, 2048, 3072, 4096]);
    assert.equal(fargateMemoryOptions(4096).at(-1), 30720);
    assert.deepEqual(fargateMemoryOptions(8192).slice(0, 2), [16384, 20480]);
    assert.deepEqual(fargateMemoryOptions(16384).slice(-2), [114688, 122880]);
    assert.deepEqual(fargateMemoryOptions(128), []);
  });

  void it("has 74 cpu/memory pairs, as a probe of the real API counted", () => {
    assert.equal(fargateCpuValues.reduce((n, cpu) => n + fargateMemoryOptions(cpu).length, 0), 74);
  });

  void it("registers every offered pair and reports it Fargate-compatible", () => {
    for (const cpu of fargateCpuValues) {
      for (const memory of fargateMemoryOptions(cpu)) {
        const doc = normalizeTaskDefinition(aFargateTaskDefinition({ cpu: String(cpu), memory: String(memory) }));
        assert.deepEqual(doc.compatibilities, ["EC2", "FARGATE"], `${cpu}/${memory}`);
      }
    }
  });

  void it("refuses any pair the table does not offer, naming the memory sizes that would fit", () => {
    const cpu = fc.constantFrom(...fargateCpuValues);
    const memory = fc.integer({ min: 1, max: 131_072 });
    fc.assert(
      fc.property(cpu, memory, (cpu, memory) => {
        fc.pre(!isFargateSize(cpu, memory));
        assert.throws(
          () => normalizeTaskDefinition(aFargateTaskDefinition({ cpu: String(cpu), memory: String(memory) })),
          (e: Error) => e.message.startsWith("No Fargate configuration exists for given values.") && e.message.includes(String(fargateMemoryOptions(cpu)[0])),
        );
      }),
      { numRuns: 300 },
    );
  });
});
