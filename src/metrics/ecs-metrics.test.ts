import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ecsMetrics, type Usage } from "./ecs-metrics.js";
import { aContainerInstance, aTask } from "../state/store-builders.js";
import { ResourceBook, type BookedInstance, type BookedTask } from "./resource-book.js";

const task = (arn: string, over: Partial<BookedTask> = {}): BookedTask => ({ arn, cluster: "c", serviceName: "web", instanceArn: "i1", cpu: 256, memory: 512, version: 1, ...over });
const instance = (arn: string, over: Partial<BookedInstance> = {}): BookedInstance => ({ arn, cluster: "c", cpu: 2048, memory: 4096, agentConnected: true, version: 1, ...over });
const used = (cpuUnits: number, memoryMiB: number, atMs = 1000): Usage => ({ cpuUnits, memoryMiB, atMs });

/** name/dimension values → [average, min, max, count] */
function table(values: ReturnType<typeof ecsMetrics>): Record<string, [number, number, number, number]> {
  return Object.fromEntries(values.map((v) => [`${v.metric.metricName}/${v.metric.dimensions.map((d) => d.value).join("/")}`, [v.sum / v.count, v.min, v.max, v.count]]));
}

describe("AWS/ECS metrics as ECS computes them", () => {
  it("services: one sample per task (used over its reservation); clusters: used and reserved over registered", () => {
    const tasks = [task("t1"), task("t2"), task("t3", { serviceName: undefined, cpu: 512, memory: 1024 })];
    const usage = new Map([["t1", used(128, 128)], ["t2", used(256, 256)], ["t3", used(512, 0)]]);
    assert.deepEqual(table(ecsMetrics(tasks, [instance("i1"), instance("i2")], usage, 1000, 60_000)), {
      "CPUReservation/c": [(1024 * 100) / 4096, 25, 25, 1],
      "MemoryReservation/c": [(2048 * 100) / 8192, 25, 25, 1],
      "CPUUtilization/c": [(896 * 100) / 4096, 21.875, 21.875, 1],
      "MemoryUtilization/c": [(384 * 100) / 8192, 4.6875, 4.6875, 1],
      // ECS: Average is total used over (reserved per task × tasks); Minimum and Maximum the extreme tasks.
      "CPUUtilization/c/web": [75, 50, 100, 2],
      "MemoryUtilization/c/web": [37.5, 25, 50, 2],
    });
  });

  it("leaves out stale usage: a service without fresh reports has no utilization, its reservation still counts", () => {
    const values = table(ecsMetrics([task("t1")], [instance("i1")], new Map([["t1", used(256, 512, 0)]]), 70_001, 60_000));
    assert.deepEqual(Object.keys(values).sort(), ["CPUReservation/c", "CPUUtilization/c", "MemoryReservation/c", "MemoryUtilization/c"]);
    assert.equal(values["CPUUtilization/c"]![0], 0);
    assert.equal(values["CPUReservation/c"]![0], 12.5);
  });

  it("a cluster without registered capacity has no percentages (no division by zero)", () => {
    assert.deepEqual(ecsMetrics([task("t1")], [], new Map([["t1", used(1, 1)]]), 1000, 60_000).filter((v) => !v.metric.dimensions.some((d) => d.name === "ServiceName")), []);
  });
});

describe("the resource book", () => {
  it("keeps tasks until STOPPED and instances until INACTIVE, and ignores a record older than the one it has", () => {
    const book = new ResourceBook();
    const t = aTask("t1", { lastStatus: "RUNNING" });
    book.apply({ kind: "task", record: { ...t, version: 2 } });
    book.apply({ kind: "task", record: { ...t, lastStatus: "PENDING", version: 1 } });
    assert.deepEqual(book.tasks.get(t.arn), { arn: t.arn, cluster: "c", serviceName: undefined, instanceArn: "i1", cpu: 0, memory: 64, version: 2 });
    book.apply({ kind: "task", record: { ...t, lastStatus: "STOPPED", version: 3 } });
    assert.equal(book.tasks.size, 0);
    const i = aContainerInstance("c", "i1");
    book.apply({ kind: "instance", record: i });
    assert.equal(book.instances.get(i.arn)?.cpu, 1024);
    book.apply({ kind: "instance", record: { ...i, status: "INACTIVE", version: 2 } });
    assert.equal(book.instances.size, 0);
  });
});
