import { metricId } from "../domain/metrics/series.js";
import type { BookedInstance, BookedTask } from "./resource-book.js";
import { oneValue, type MetricSample } from "./sample.js";

/** A task's latest resource use, as its agent reported it. */
export interface Usage {
  readonly cpuUnits: number;
  readonly memoryMiB: number;
  readonly atMs: number;
}

/**
 * The AWS/ECS namespace's metrics at one moment, as ECS defines them ("Amazon ECS CloudWatch
 * metrics"), in percent:
 * - per cluster and service: CPUUtilization, one sample per task (CPU units it used × 100 / CPU
 *   units its task definition reserves), so that Average is ECS's (total used × 100 / (reserved per
 *   task × tasks)) and Minimum and Maximum are its least and most loaded tasks, as ECS documents
 *   them; MemoryUtilization likewise in MiB;
 * - per cluster: CPUUtilization and MemoryUtilization = used by all tasks × 100 / registered by the
 *   container instances; CPUReservation and MemoryReservation = reserved by the tasks holding
 *   resources × 100 / registered.
 * Only usage newer than `staleAfterMs` counts (a task whose agent went quiet is not at 0 %); a
 * service without fresh usage has no utilization point. A service's sample folds one value per
 * task; a cluster's is one value. Pure.
 */
export function ecsMetrics(
  tasks: Iterable<BookedTask>,
  instances: Iterable<BookedInstance>,
  usage: ReadonlyMap<string, Usage>,
  nowMs: number,
  staleAfterMs: number,
): MetricSample[] {
  const clusters = new Map<string, { registeredCpu: number; registeredMemory: number; reservedCpu: number; reservedMemory: number; usedCpu: number; usedMemory: number }>();
  const cluster = (name: string) => {
    let c = clusters.get(name);
    if (!c) clusters.set(name, (c = { registeredCpu: 0, registeredMemory: 0, reservedCpu: 0, reservedMemory: 0, usedCpu: 0, usedMemory: 0 }));
    return c;
  };
  for (const i of instances) {
    const c = cluster(i.cluster);
    c.registeredCpu += i.cpu;
    c.registeredMemory += i.memory;
  }
  const services = new Map<string, { cluster: string; service: string; cpu: number[]; memory: number[] }>();
  for (const t of tasks) {
    const c = cluster(t.cluster);
    c.reservedCpu += t.cpu;
    c.reservedMemory += t.memory;
    const u = usage.get(t.arn);
    const fresh = u !== undefined && nowMs - u.atMs <= staleAfterMs;
    if (fresh) {
      c.usedCpu += u.cpuUnits;
      c.usedMemory += u.memoryMiB;
    }
    if (t.serviceName === undefined || !fresh) continue;
    const key = JSON.stringify([t.cluster, t.serviceName]);
    let s = services.get(key);
    if (!s) services.set(key, (s = { cluster: t.cluster, service: t.serviceName, cpu: [], memory: [] }));
    if (t.cpu > 0) s.cpu.push((u.cpuUnits * 100) / t.cpu);
    if (t.memory > 0) s.memory.push((u.memoryMiB * 100) / t.memory);
  }
  const out: MetricSample[] = [];
  const percent = (part: number, whole: number): number | undefined => (whole > 0 ? (part * 100) / whole : undefined);
  const push = (name: string, dims: { name: string; value: string }[], value: number | undefined) => {
    if (value !== undefined) out.push(oneValue(metricId("AWS/ECS", name, dims), value, "Percent"));
  };
  const pushAll = (name: string, dims: { name: string; value: string }[], values: readonly number[]) => {
    if (values.length === 0) return;
    out.push({ metric: metricId("AWS/ECS", name, dims), sum: values.reduce((a, b) => a + b, 0), count: values.length, min: Math.min(...values), max: Math.max(...values), unit: "Percent" });
  };
  for (const [name, c] of clusters) {
    const dims = [{ name: "ClusterName", value: name }];
    push("CPUReservation", dims, percent(c.reservedCpu, c.registeredCpu));
    push("MemoryReservation", dims, percent(c.reservedMemory, c.registeredMemory));
    push("CPUUtilization", dims, percent(c.usedCpu, c.registeredCpu));
    push("MemoryUtilization", dims, percent(c.usedMemory, c.registeredMemory));
  }
  for (const s of services.values()) {
    const dims = [{ name: "ClusterName", value: s.cluster }, { name: "ServiceName", value: s.service }];
    pushAll("CPUUtilization", dims, s.cpu);
    pushAll("MemoryUtilization", dims, s.memory);
  }
  return out;
}
