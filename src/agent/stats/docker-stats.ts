/**
 * What the agent reads of Docker's stats JSON (`GET /containers/{id}/stats?stream=false&one-shot=true`):
 * when it was read, the container's cumulative CPU time, and its memory in use. Memory is Docker's
 * usage less the inactive page cache, as `docker stats` computes it: `inactive_file` on cgroup v2,
 * `total_inactive_file` on v1. Anything missing or malformed gives undefined: a sample is skipped,
 * never guessed.
 */
export interface ContainerSample {
  readonly readMs: number;
  readonly cpuTotalNs: number;
  readonly memoryBytes: number;
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

export function parseDockerStats(json: unknown): ContainerSample | undefined {
  const root = obj(json);
  const readMs = typeof root?.read === "string" ? Date.parse(root.read) : Number.NaN;
  const cpuTotalNs = num(obj(obj(root?.cpu_stats)?.cpu_usage)?.total_usage);
  const memory = obj(root?.memory_stats);
  const usage = num(memory?.usage);
  if (!Number.isFinite(readMs) || readMs <= 0 || cpuTotalNs === undefined || usage === undefined) return undefined;
  const stats = obj(memory?.stats);
  const cache = num(stats?.inactive_file) ?? num(stats?.total_inactive_file) ?? 0;
  return { readMs, cpuTotalNs, memoryBytes: Math.max(0, usage - cache) };
}

/**
 * CPU in ECS's units (1,024 per core) between two samples of one container: CPU time used over
 * wall time passed. Undefined when the samples cannot be compared (no time passed, a counter
 * that went back: the container restarted).
 */
export function cpuUnitsBetween(before: ContainerSample, after: ContainerSample): number | undefined {
  const wallNs = (after.readMs - before.readMs) * 1e6;
  const cpuNs = after.cpuTotalNs - before.cpuTotalNs;
  if (wallNs <= 0 || cpuNs < 0) return undefined;
  return (cpuNs / wallNs) * 1024;
}
