/**
 * What a task definition must satisfy to run on Fargate. Used twice: to refuse a definition that
 * requires FARGATE, and to decide silently whether FARGATE joins `compatibilities` for one that does
 * not (ECS reports ["EC2", "FARGATE"] for any definition that happens to fit, e.g. awsvpc with a valid
 * cpu/memory pair and no requiresCompatibilities: seen in real DescribeTaskDefinition output).
 */
import { messages } from "./messages.js";
import type { NormalizedTaskDefinition, TaskFacts } from "./types.js";
import { excerpt } from "../../observability/excerpt.js";

type MemoryChoice = { readonly list: readonly number[] } | { readonly from: number; readonly to: number; readonly step: number };

/**
 * Fargate's task sizes: cpu units → memory MiB (developer guide, "Task size"; confirmed by a probe of
 * every pair against the real API, 2026-08).
 */
const fargateSizes: ReadonlyMap<number, MemoryChoice> = new Map<number, MemoryChoice>([
  [256, { list: [512, 1024, 2048] }],
  [512, { from: 1024, to: 4096, step: 1024 }],
  [1024, { from: 2048, to: 8192, step: 1024 }],
  [2048, { from: 4096, to: 16384, step: 1024 }],
  [4096, { from: 8192, to: 30720, step: 1024 }],
  [8192, { from: 16384, to: 61440, step: 4096 }],
  [16384, { from: 32768, to: 122880, step: 8192 }],
]);

/** The Fargate cpu values, ascending. */
export const fargateCpuValues: readonly number[] = [...fargateSizes.keys()];

/** The memory sizes (MiB) Fargate offers with `cpu` units; empty when Fargate has no such cpu size. */
export function fargateMemoryOptions(cpu: number): readonly number[] {
  const choice = fargateSizes.get(cpu);
  if (!choice) return [];
  if ("list" in choice) return choice.list;
  const out: number[] = [];
  for (let m = choice.from; m <= choice.to; m += choice.step) out.push(m);
  return out;
}

/** True when Fargate offers this cpu/memory pair. */
export const isFargateSize = (cpu: number, memory: number): boolean => fargateMemoryOptions(cpu).includes(memory);

/** Log drivers Fargate tasks can use (API reference, LogConfiguration). */
const fargateLogDrivers: readonly string[] = ["awslogs", "splunk", "awsfirelens"];

/** Fargate's range for startTimeout and stopTimeout, in seconds. */
const fargateTimeout = { min: 2, max: 120 } as const;

/** Why `def` cannot run on Fargate, or undefined when it can. The first problem found wins, as in ECS. */
export function fargateProblem(def: NormalizedTaskDefinition, facts: TaskFacts): string | undefined {
  if (facts.networkMode !== "awsvpc") return messages.fargateNetworkMode();
  if (facts.cpu === undefined) return messages.fargateCpuRequired();
  if (facts.memory === undefined) return messages.fargateMemoryRequired();
  if (!isFargateSize(facts.cpu, facts.memory)) {
    return messages.fargateNoConfiguration(facts.cpu, facts.memory, fargateMemoryOptions(facts.cpu));
  }
  if (def.ipcMode !== undefined) return messages.fargateIpcMode();
  if (def.pidMode === "host") return messages.fargateUnsupported("pidMode 'host'; only 'task' is available");
  if (def.placementConstraints.length > 0) return messages.fargateUnsupported("placement constraints");
  for (const v of def.volumes) {
    if (v.host?.sourcePath !== undefined) return messages.fargateUnsupported(`host sourcePath volumes (volume '${excerpt(v.name)}')`);
    if (v.dockerVolumeConfiguration) return messages.fargateUnsupported(`Docker volumes (volume '${excerpt(v.name)}')`);
  }
  for (const c of def.containerDefinitions) {
    const problem = containerProblem(def, c);
    if (problem) return problem;
  }
  return undefined;
}

function containerProblem(def: NormalizedTaskDefinition, c: NormalizedTaskDefinition["containerDefinitions"][number]): string | undefined {
  const where = `(container '${c.name}')`;
  if (c.privileged === true) return messages.fargateUnsupported(`privileged containers ${where}`);
  const driver = c.logConfiguration?.logDriver;
  if (driver !== undefined && !fargateLogDrivers.includes(driver)) {
    return messages.fargateUnsupported(`log driver '${excerpt(driver)}' ${where}; use awslogs, splunk or awsfirelens`);
  }
  if (driver === "awslogs" && def.executionRoleArn === undefined) return messages.fargateAwslogsRole();
  if ((c.dockerSecurityOptions ?? []).length > 0) return messages.fargateUnsupported(`dockerSecurityOptions ${where}`);
  const lp = c.linuxParameters;
  if ((lp?.devices ?? []).length > 0) return messages.fargateUnsupported(`linuxParameters.devices ${where}`);
  if (lp?.sharedMemorySize !== undefined) return messages.fargateUnsupported(`linuxParameters.sharedMemorySize ${where}`);
  if (lp?.maxSwap !== undefined || lp?.swappiness !== undefined) return messages.fargateUnsupported(`swap settings ${where}`);
  const added = (lp?.capabilities?.add ?? []).filter((cap) => cap !== "SYS_PTRACE");
  if (added.length > 0) return messages.fargateUnsupported(`adding capability '${excerpt(added[0])}' ${where}; only SYS_PTRACE can be added`);
  for (const field of ["startTimeout", "stopTimeout"] as const) {
    const t = c[field];
    if (t !== undefined && (t < fargateTimeout.min || t > fargateTimeout.max)) {
      return messages.fargateUnsupported(`${field} ${t} ${where}; use ${fargateTimeout.min} to ${fargateTimeout.max} seconds`);
    }
  }
  return undefined;
}
