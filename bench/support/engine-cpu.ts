/**
 * The CPU the Docker engine spends: dockerd and containerd, found by name in /proc (Swarm's
 * orchestration runs inside dockerd, so its cost shows there; Berth's agent drives the same
 * engine, so part of Berth's cost shows there too).
 */
import { readdirSync, readFileSync } from "node:fs";
import { cpuSeconds } from "./measure.js";

/** The pids of the processes whose command name is exactly one of `names`. */
export function pidsNamed(names: readonly string[]): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (names.includes(readFileSync(`/proc/${entry}/comm`, "utf8").trim())) pids.push(Number(entry));
    } catch {
      // the process ended while the directory was read
    }
  }
  return pids;
}

/** dockerd and containerd: the engine's long-lived processes. */
export const enginePids = (): number[] => pidsNamed(["dockerd", "containerd"]);

/** Summed user + system CPU seconds of `pids` (a process that has ended counts 0). */
export function summedCpuSeconds(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += cpuSeconds(pid);
    } catch {
      // ended
    }
  }
  return total;
}
