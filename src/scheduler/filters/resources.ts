import type { Check } from "../instance-view.js";
import { FailureReason } from "../reasons.js";

/** CPU units: the task's reservation must fit in what remains. A task reserving 0 fits anywhere. */
export const cpuCheck = (cpu: number): Check => ({
  reason: FailureReason.cpu,
  passes: (v) => v.remainingCpu >= cpu,
  detail: (v) => `needs ${cpu} CPU units, ${v.remainingCpu} remaining`,
});

/** Memory in MiB, as `cpuCheck`. */
export const memoryCheck = (memory: number): Check => ({
  reason: FailureReason.memory,
  passes: (v) => v.remainingMemory >= memory,
  detail: (v) => `needs ${memory} MiB memory, ${v.remainingMemory} MiB remaining`,
});

/** Whole GPUs; only built when the task asks for at least one. */
export const gpuCheck = (count: number): Check => ({
  reason: FailureReason.gpu,
  passes: (v) => v.freeGpuCount >= count,
  detail: (v) => `needs ${count} GPUs, ${v.freeGpuCount} free`,
});
