import { lostAtMs } from "../lost-instances/lost-tasks.js";
import { steadyNoticeEveryMs } from "./deployment-rules.js";
import { hasHealthCheck, isHealthy, isWanted, runningSinceMs } from "./task-health.js";
import { isEmptyPlan, type ReconcileInput, type ServicePlan } from "./types.js";

/**
 * When a service must be looked at again if nothing of its own changes (its tasks, its cluster's
 * instances, the service: the change log wakes it for those):
 * - `nowMs`, on every tick: its reconcile planned something, or it is on its way somewhere (a
 *   deployment, a task starting, a check failing, a start throttled);
 * - a later moment, when the first of the reconciler's rules that read the clock can decide
 *   otherwise (reconcile.ts): a task ages into healthy (`--task-healthy-after`), a disconnected
 *   agent becomes lost (lost-instances/lost-tasks.ts), the steady-state notice ECS repeats every
 *   six hours is due. Until then the service is settled: only a change of its own (or the
 *   runner's safety sweep) looks at it.
 * Only the instances that matter count: a REPLICA service's hosts, every instance for a DAEMON one.
 */
export function wakeAtMs(input: ReconcileInput, plan: ServicePlan): number {
  const { service: s, nowMs, settings } = input;
  if (!isEmptyPlan(plan) || s.status !== "ACTIVE" || s.deploymentController === "EXTERNAL") return nowMs;
  if (s.deployments.length !== 1 || s.deployments[0]?.rolloutState !== "COMPLETED" || (s.nextStartAtMs ?? 0) > nowMs) return nowMs;
  const daemon = s.schedulingStrategy === "DAEMON";
  if ((!daemon && input.tasks.length !== s.desiredCount) || s.steadyNoticeAtMs === undefined) return nowMs;
  let wakeAt = s.steadyNoticeAtMs + steadyNoticeEveryMs;
  for (const t of input.tasks) {
    if (isHealthy(t, nowMs, settings.healthyAfterMs)) continue;
    // Of the ways a task is not healthy, only the wait without health checks ends by the clock alone.
    const aging = t.lastStatus === "RUNNING" && isWanted(t) && !hasHealthCheck(t) && (t.targetHealth ?? "HEALTHY") === "HEALTHY";
    if (!aging) return nowMs;
    wakeAt = Math.min(wakeAt, runningSinceMs(t) + settings.healthyAfterMs);
  }
  const hosts = daemon ? undefined : new Set(input.tasks.map((t) => t.containerInstanceArn));
  for (const i of input.instances) {
    const lostAt = hosts?.has(i.arn) === false ? undefined : lostAtMs(i, settings);
    if (lostAt !== undefined && lostAt > nowMs) wakeAt = Math.min(wakeAt, lostAt);
  }
  return wakeAt;
}
