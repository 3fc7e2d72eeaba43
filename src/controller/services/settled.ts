import { isLost } from "../lost-instances/lost-tasks.js";
import { isHealthy } from "./task-health.js";
import { isEmptyPlan, type ReconcileInput, type ServicePlan } from "./types.js";

/**
 * Whether a service can be left alone until something of its own changes: its reconcile planned
 * nothing, and none of the reconciler's rules that read the clock can decide otherwise later
 * (reconcile.ts). That holds when its one deployment is COMPLETED, every task of it is RUNNING and
 * healthy now (health only ages into healthy), none fails a check inside its grace period, no
 * start is throttled, and no agent of its cluster is disconnected but not yet lost.
 *
 * The runner reconciles a settled service again on a change of the service, its tasks or its
 * cluster's instances (the change log), and in a slow safety sweep, which also brings the steady
 * state notice that ECS repeats every six hours; every other service on every tick.
 */
export function isSettled(input: ReconcileInput, plan: ServicePlan): boolean {
  const { service: s, nowMs, settings } = input;
  if (!isEmptyPlan(plan) || s.status !== "ACTIVE" || s.deploymentController === "EXTERNAL") return false;
  if (s.deployments.length !== 1 || s.deployments[0]?.rolloutState !== "COMPLETED" || (s.nextStartAtMs ?? 0) > nowMs) return false;
  if (s.schedulingStrategy !== "DAEMON" && input.tasks.length !== s.desiredCount) return false;
  // Healthy: RUNNING and meant to run, its checks (and targets) passing, or past the healthy-after wait.
  if (!input.tasks.every((t) => isHealthy(t, nowMs, settings.healthyAfterMs))) return false;
  return input.instances.every((i) => i.agentConnected || isLost(i, nowMs, settings));
}
