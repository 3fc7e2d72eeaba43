import { arnId } from "../../domain/arn.js";

/**
 * A task's own cgroup (cgroup v1, Docker's cgroupfs driver): every container of the task, the
 * pause container included, is created under it (Docker's `CgroupParent`), so the task-level cpu
 * and memory are hard limits for the whole task, as ECS's agent makes them (`/ecs/<task-id>`).
 * Pure: what to write where; `cgroupfs.ts` writes it.
 */

/** CFS period the quota is a share of (the kernel's default, 100 ms). */
export const cfsPeriodUs = 100_000;

/** One setting of one controller: `<root>/<controller><path>/<file>` gets `value`. */
export interface CgroupSetting {
  readonly controller: "memory" | "cpu";
  readonly file: string;
  readonly value: string;
}

/** The task's cgroup, relative to each controller's root: Docker's CgroupParent for its containers. */
export const taskCgroupPath = (taskArn: string): string => `/berth/${arnId(taskArn)}`;

/**
 * The limits of a task of `cpu` units and `memoryMiB`: memory.limit_in_bytes, and CPU as a CFS
 * quota (1024 units are one CPU: 256 units are 25 ms of every 100 ms) plus the same weight as
 * shares. A size that is absent sets nothing for its controller.
 */
export function taskCgroupSettings(size: { readonly cpu?: number | undefined; readonly memoryMiB?: number | undefined }): CgroupSetting[] {
  const settings: CgroupSetting[] = [];
  if (size.memoryMiB !== undefined && size.memoryMiB > 0) settings.push({ controller: "memory", file: "memory.limit_in_bytes", value: String(size.memoryMiB * 2 ** 20) });
  if (size.cpu !== undefined && size.cpu > 0) {
    settings.push(
      { controller: "cpu", file: "cpu.cfs_period_us", value: String(cfsPeriodUs) },
      // The kernel's minimum quota is 1 ms.
      { controller: "cpu", file: "cpu.cfs_quota_us", value: String(Math.max(1000, Math.round((size.cpu / 1024) * cfsPeriodUs))) },
      { controller: "cpu", file: "cpu.shares", value: String(Math.max(2, size.cpu)) },
    );
  }
  return settings;
}

/** How many processes the kernel's OOM killer killed in the cgroup: `oom_kill N` of memory.oom_control (Linux 4.13+). */
export function oomKillCount(oomControl: string): number {
  const m = /^oom_kill (\d+)$/m.exec(oomControl);
  return m ? Number(m[1]) : 0;
}

/** How DescribeTasks names the isolation a task got (the `berth.isolation` task attribute). */
export const isolationOf = (cgroup: boolean): string => (cgroup ? "runc: namespaces, task cgroup (cpu and memory hard limits for the whole task)" : "runc: namespaces, per-container limits");
