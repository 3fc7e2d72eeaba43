import { arnId } from "../../domain/arn.js";
import type { ContainerInstanceRecord } from "../../domain/container-instance.js";
import { markLost, type TaskRecord } from "../../domain/task.js";

/**
 * When an instance's agent counts as lost: disconnected for at least the grace. Undefined while it
 * is connected; otherwise the time at which it is (or was) lost.
 */
export function lostAtMs(instance: Pick<ContainerInstanceRecord, "agentConnected" | "agentDisconnectedAtMs">, lostAfterMs: number): number | undefined {
  return instance.agentConnected ? undefined : (instance.agentDisconnectedAtMs ?? 0) + lostAfterMs;
}

/**
 * The standalone tasks (RunTask, StartTask) of an instance whose agent is lost, recorded STOPPED
 * with a reason that says so: their reservations are released, and should the agent return, its
 * manifest no longer lists them and it stops their containers. Service tasks are left to their
 * service's reconciler, which replaces them. Pure: the caller supplies the time.
 */
export function lostStandaloneTasks(
  instance: Pick<ContainerInstanceRecord, "arn" | "agentConnected" | "agentDisconnectedAtMs">,
  tasks: readonly TaskRecord[],
  settings: { readonly nowMs: number; readonly lostAfterMs: number },
): TaskRecord[] {
  const lostAt = lostAtMs(instance, settings.lostAfterMs);
  if (lostAt === undefined || settings.nowMs < lostAt) return [];
  const reason = lostReason(instance.arn, settings.lostAfterMs);
  return tasks
    .filter((t) => t.serviceName === undefined && t.containerInstanceArn === instance.arn && t.lastStatus !== "STOPPED")
    .map((t) => markLost(t, { reason, nowMs: settings.nowMs, code: "InfrastructureHealth" }));
}

export const lostReason = (instanceArn: string, lostAfterMs: number): string =>
  `Berth: the agent of container instance ${arnId(instanceArn)} was disconnected for more than ${Math.round(lostAfterMs / 1000)} seconds; the task was presumed lost.`;
