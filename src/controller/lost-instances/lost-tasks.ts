import { arnId } from "../../domain/arn.js";
import type { ContainerInstanceRecord } from "../../domain/container-instance.js";
import { markLost, type TaskRecord } from "../../domain/task.js";

/** When an agent counts as lost (`--agent-lost-after`, `--agent-reattach-grace`). */
export interface LostRule {
  /** Disconnected this long, the agent is lost. */
  readonly lostAfterMs: number;
  /**
   * An agent already away when the server started (every agent, after a restart: the server heard
   * nobody while it was down or starting) is not lost before `startedAtMs + reattachGraceMs`, so
   * that all can come back first (Nomad gives a new leader's nodes `failover_heartbeat_ttl` for the
   * same reason). An agent that leaves later has `lostAfterMs` only.
   */
  readonly startedAtMs?: number | undefined;
  readonly reattachGraceMs?: number | undefined;
}

/**
 * When an instance's agent counts as lost: disconnected for at least the grace, and, if it was
 * away at the server's start, not before the reattach window ends. Undefined while it is
 * connected; otherwise the time at which it is (or was) lost.
 */
export function lostAtMs(instance: Pick<ContainerInstanceRecord, "agentConnected" | "agentDisconnectedAtMs">, rule: LostRule): number | undefined {
  if (instance.agentConnected) return undefined;
  const sinceMs = instance.agentDisconnectedAtMs ?? 0;
  const awayAtStart = rule.startedAtMs !== undefined && sinceMs <= rule.startedAtMs;
  return Math.max(sinceMs + rule.lostAfterMs, awayAtStart ? rule.startedAtMs + (rule.reattachGraceMs ?? 0) : 0);
}

/** Whether an instance's agent is lost at `nowMs`. */
export const isLost = (instance: Pick<ContainerInstanceRecord, "agentConnected" | "agentDisconnectedAtMs">, nowMs: number, rule: LostRule): boolean =>
  nowMs >= (lostAtMs(instance, rule) ?? Infinity);

/**
 * The standalone tasks (RunTask, StartTask) of an instance whose agent is lost, recorded STOPPED
 * with a reason that says so: their reservations are released, and should the agent return, its
 * manifest no longer lists them and it stops their containers. Service tasks are left to their
 * service's reconciler, which replaces them. Pure: the caller supplies the time.
 */
export function lostStandaloneTasks(
  instance: Pick<ContainerInstanceRecord, "arn" | "agentConnected" | "agentDisconnectedAtMs">,
  tasks: readonly TaskRecord[],
  settings: LostRule & { readonly nowMs: number },
): TaskRecord[] {
  if (!isLost(instance, settings.nowMs, settings)) return [];
  const reason = lostReason(instance.arn, settings.lostAfterMs);
  return tasks
    .filter((t) => t.serviceName === undefined && t.containerInstanceArn === instance.arn && t.lastStatus !== "STOPPED")
    .map((t) => markLost(t, { reason, nowMs: settings.nowMs, code: "InfrastructureHealth" }));
}

export const lostReason = (instanceArn: string, lostAfterMs: number): string =>
  `Berth: the agent of container instance ${arnId(instanceArn)} was disconnected for more than ${Math.round(lostAfterMs / 1000)} seconds; the task was presumed lost.`;
