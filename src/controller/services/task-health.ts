import type { TaskRecord } from "../../domain/task.js";

/**
 * Task health as the service scheduler judges it. A task is healthy when it is RUNNING, meant to
 * run, and either its essential containers' health checks all pass or (without health checks) it
 * has been RUNNING for `healthyAfterMs` (ECS waits 40 s before such a task counts toward
 * minimumHealthyPercent).
 */

const essentialChecked = (t: TaskRecord) => t.spec.containers.filter((c) => c.healthCheck !== undefined && (c.essential ?? true));

export const hasHealthCheck = (t: TaskRecord): boolean => essentialChecked(t).length > 0;

/** HEALTHY when every checked essential container is; UNHEALTHY when one is; UNKNOWN otherwise. */
export function checkedHealth(t: TaskRecord): "HEALTHY" | "UNHEALTHY" | "UNKNOWN" {
  const names = new Set(essentialChecked(t).map((c) => c.name));
  const reported = (t.known?.containers ?? []).filter((c) => names.has(c.name));
  if (reported.some((c) => c.healthStatus === "UNHEALTHY")) return "UNHEALTHY";
  return names.size > 0 && reported.length === names.size && reported.every((c) => c.healthStatus === "HEALTHY") ? "HEALTHY" : "UNKNOWN";
}

/** When the task started running (the agent's word), or when it was created if the agent has not said. */
export const runningSinceMs = (t: TaskRecord): number => t.known?.startedAtMs ?? t.createdAtMs;

export const isWanted = (t: TaskRecord): boolean => t.spec.desiredStatus === "RUNNING" && t.lastStatus !== "STOPPED";

export function isHealthy(t: TaskRecord, nowMs: number, healthyAfterMs: number): boolean {
  if (!isWanted(t) || t.lastStatus !== "RUNNING") return false;
  // Behind a load balancer, a task is healthy only once its targets are (ELBv2, issue 11).
  if (t.targetHealth !== undefined && t.targetHealth !== "HEALTHY") return false;
  return hasHealthCheck(t) ? checkedHealth(t) === "HEALTHY" : nowMs - runningSinceMs(t) >= healthyAfterMs;
}

/** A task whose container health checks (or its targets' ELB health checks) fail after the service's grace period: the scheduler replaces it. */
export function failsHealthChecks(t: TaskRecord, nowMs: number, gracePeriodMs: number): boolean {
  const failing = checkedHealth(t) === "UNHEALTHY" || t.targetHealth === "UNHEALTHY";
  return isWanted(t) && t.lastStatus === "RUNNING" && failing && nowMs - runningSinceMs(t) >= gracePeriodMs;
}

/** How a STOPPED service task ended, for the circuit breaker and start throttling. */
export function stopKind(t: TaskRecord): "scheduled" | "failedToStart" | "crashed" {
  if (t.stopCode === "ServiceSchedulerInitiated" || t.stopCode === "UserInitiated") return "scheduled";
  const everRan = t.known?.startedAtMs !== undefined;
  return t.stopCode === "TaskFailedToStart" || !everRan ? "failedToStart" : "crashed";
}
