import { describe, it } from "node:test";
import assert from "node:assert/strict";
import pino from "pino";
import { cpuUnitsBetween, parseDockerStats } from "./docker-stats.js";
import { StatsSampler } from "./stats-sampler.js";

/** Docker's stats JSON as the engine answers a one-shot call (cgroup v2 memory). */
const dockerStats = (readMs: number, cpuNs: number, usage: number, inactive = 0) => ({
  read: new Date(readMs).toISOString(),
  cpu_stats: { cpu_usage: { total_usage: cpuNs }, online_cpus: 2 },
  memory_stats: { usage, stats: { inactive_file: inactive } },
});

describe("Docker's stats JSON", () => {
  it("reads time, cumulative CPU and memory less the inactive page cache (v2, then v1's name)", () => {
    assert.deepEqual(parseDockerStats(dockerStats(1000, 5e9, 100 << 20, 20 << 20)), { readMs: 1000, cpuTotalNs: 5e9, memoryBytes: 80 << 20 });
    const v1 = { ...dockerStats(1000, 1, 50), memory_stats: { usage: 50, stats: { total_inactive_file: 10 } } };
    assert.equal(parseDockerStats(v1)?.memoryBytes, 40);
  });

  it("skips what it cannot read: a stopped container's empty sample, garbage", () => {
    for (const bad of [null, "x", {}, { read: "0001-01-01T00:00:00Z", cpu_stats: {}, memory_stats: {} }, { ...dockerStats(1, 1, 1), cpu_stats: { cpu_usage: { total_usage: "1" } } }]) {
      assert.equal(parseDockerStats(bad), undefined);
    }
  });

  it("turns CPU time over wall time into ECS units (1,024 a core), and refuses a counter that went back", () => {
    const a = parseDockerStats(dockerStats(0 + 1, 0, 1))!;
    assert.equal(cpuUnitsBetween(a, parseDockerStats(dockerStats(2001, 1e9, 1))!), 512);
    assert.equal(cpuUnitsBetween(a, parseDockerStats(dockerStats(1001, 2e9, 1))!), 2048);
    assert.equal(cpuUnitsBetween(parseDockerStats(dockerStats(1, 5e9, 1))!, parseDockerStats(dockerStats(1001, 1e9, 1))!), undefined);
  });
});

describe("the stats sampler", () => {
  it("sums each task's containers and reports a task once every container has two samples", async () => {
    const readings = new Map<string, { cpu: number; mem: number }>([
      ["c1", { cpu: 0, mem: 10 << 20 }],
      ["c2", { cpu: 0, mem: 30 << 20 }],
    ]);
    let clock = 1000;
    const sampler = new StatsSampler({
      running: () => [{ taskArn: "t1", dockerIds: ["c1", "c2"] }],
      sample: (id) => (readings.has(id) ? Promise.resolve(dockerStats(clock, readings.get(id)!.cpu, readings.get(id)!.mem)) : Promise.reject(new Error("no such container"))),
      send: () => undefined,
      intervalMs: 1000,
      logger: pino({ level: "silent" }),
    });
    assert.deepEqual(await sampler.round(), [], "one sample is not enough for CPU");
    clock += 1000;
    readings.set("c1", { cpu: 0.25e9, mem: 10 << 20 });
    readings.set("c2", { cpu: 0.5e9, mem: 30 << 20 });
    assert.deepEqual(await sampler.round(), [{ taskArn: "t1", cpuUnits: 768, memoryMiB: 40 }]);
    readings.delete("c2");
    clock += 1000;
    assert.deepEqual(await sampler.round(), [], "a container that could not be sampled leaves its task out of the round");
  });
});
