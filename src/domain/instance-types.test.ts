import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { instanceTypeResources, registeredResourcesOf } from "./instance-types.js";

describe("EC2 instance types, as a container instance registers them", () => {
  const rows: [type: string, vcpus: number, memoryMiB: number][] = [
    ["t2.micro", 1, 1024],
    ["t3.nano", 2, 512],
    ["t3.medium", 2, 4096],
    ["t4g.2xlarge", 8, 32768],
    ["m4.large", 2, 8192],
    ["m5.xlarge", 4, 16384],
    ["c5.large", 2, 4096],
    ["c6g.4xlarge", 16, 32768],
    ["r5.large", 2, 16384],
    ["m7g.16xlarge", 64, 262144],
  ];
  for (const [type, vcpus, memoryMiB] of rows) {
    it(`${type}: ${vcpus} vCPU, ${memoryMiB} MiB installed`, () => assert.deepEqual(instanceTypeResources(type), { vcpus, memoryMiB }));
  }

  it("registers 1,024 CPU units per vCPU and the memory ECS's m4.large example registers (7,985 of 8,192 MiB)", () => {
    assert.deepEqual(registeredResourcesOf(instanceTypeResources("m4.large")!), { cpu: 2048, memory: 7985 });
    assert.deepEqual(registeredResourcesOf(instanceTypeResources("t3.micro")!), { cpu: 2048, memory: 998 });
  });

  it("knows nothing of a type it does not hold, or of a size its family lacks", () => {
    for (const t of ["x9.large", "m5.9xlarge", "t3.huge", "", "m5", "constructor.large"]) assert.equal(instanceTypeResources(t), undefined, t);
  });
});
