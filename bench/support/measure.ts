/**
 * What the scale benchmarks measure beside wall time: the server process's CPU time and resident
 * memory (from /proc, so they include everything the process does), and how many of a cluster's
 * tasks the agents have reported RUNNING (DescribeClusters' runningTasksCount counts tasks whose
 * last status, which only agents' reports move, is RUNNING: not what the server wants, what runs).
 */
import { readFileSync } from "node:fs";
import { DescribeClustersCommand, type ECSClient } from "@aws-sdk/client-ecs";

/** CPU seconds (user + system) the process has used, from /proc/<pid>/stat (clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident set size of the process in MiB, from /proc/<pid>/status (VmRSS). */
export function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
  return Number(line?.split(/\s+/)[1] ?? NaN) / 1024;
}

/** The machine's 1-minute load average, to print beside every figure. */
export function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Running and pending tasks of the cluster as the API reports them (RUNNING = reported by the agents). */
export async function clusterCounts(ecs: ECSClient, cluster: string): Promise<{ running: number; pending: number }> {
  const c = (await ecs.send(new DescribeClustersCommand({ clusters: [cluster] }))).clusters?.[0];
  return { running: c?.runningTasksCount ?? 0, pending: c?.pendingTasksCount ?? 0 };
}

/**
 * Waits until at least `tasks` of the cluster's tasks are RUNNING as the agents reported them,
 * polling every `everyMs`; returns the seconds it waited. Fails after `withinMs`.
 */
export async function untilRunning(ecs: ECSClient, cluster: string, tasks: number, o: { everyMs?: number; withinMs?: number } = {}): Promise<number> {
  const t0 = performance.now();
  // RUNNING_WITHIN_SECONDS bounds a run that may never get there (an older build at full size).
  const withinMs = Number(process.env.RUNNING_WITHIN_SECONDS ?? 0) * 1000 || (o.withinMs ?? 3_600_000);
  let said = t0;
  for (;;) {
    // A poll that fails (a busy server resetting a kept-alive connection) is said and made again.
    const { running } = await clusterCounts(ecs, cluster).catch((err: unknown) => {
      console.error(`… poll failed: ${String(err)}`);
      return { running: -1 };
    });
    const ms = performance.now() - t0;
    if (running >= tasks) return ms / 1000;
    if (ms > withinMs) throw new Error(`only ${running} of ${tasks} tasks RUNNING after ${(ms / 1000).toFixed(0)} s`);
    if (performance.now() - said > 30_000) {
      said = performance.now();
      console.error(`… ${running} of ${tasks} RUNNING after ${(ms / 1000).toFixed(0)} s`);
    }
    await sleep(o.everyMs ?? 200);
  }
}

/** The server's CPU use over `seconds` of wall time, as a share of one core. */
export async function cpuShare(pid: number, seconds: number): Promise<number> {
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  await sleep(seconds * 1000);
  return (cpuSeconds(pid) - c0) / ((performance.now() - t0) / 1000);
}

/** The used share of the fleet's registered CPU and memory: what placement filled. */
export function fill(o: { instances: number; instanceCpu: number; instanceMemory: number; tasks: number; taskCpu: number; taskMemory: number }): { cpu: number; memory: number } {
  return { cpu: (o.tasks * o.taskCpu) / (o.instances * o.instanceCpu), memory: (o.tasks * o.taskMemory) / (o.instances * o.instanceMemory) };
}

/** Task size such that `tasks` equal tasks fill `target` of the fleet (CPU units and MiB, rounded down). */
export function taskSizeFor(o: { instances: number; instanceCpu: number; instanceMemory: number; tasks: number; target: number }): { cpu: number; memory: number } {
  const perInstance = Math.max(1, Math.ceil(o.tasks / o.instances));
  return { cpu: Math.max(1, Math.floor((o.target * o.instanceCpu) / perInstance)), memory: Math.max(4, Math.floor((o.target * o.instanceMemory) / perInstance)) };
}
