import { circuitBreakerThreshold, withNewDeployment, type DeploymentRecord } from "../../domain/service.js";
import { isLost } from "../lost-instances/lost-tasks.js";
import { rollBackToBlue } from "./blue-green.js";
import { rolloutReasons, serviceMessages, stopReasons } from "./messages.js";
import { checkedHealth, failsHealthChecks, stopKind } from "./task-health.js";
import type { Working } from "./working.js";

/**
 * The rules that come before any start or stop: lost hosts, observing stops (failure counts and
 * start throttling), replacing tasks that fail health checks, and the circuit breaker.
 */

/** Tasks on an instance whose agent has been gone longer than the grace (or that is deregistered) are recorded STOPPED. */
export function lostHosts(w: Working): void {
  const { lostAfterMs } = w.input.settings;
  const lostIds: string[] = [];
  for (const t of w.alive()) {
    const i = w.instances.get(t.containerInstanceArn);
    const gone = i === undefined || i.status === "INACTIVE";
    const silent = i !== undefined && isLost(i, w.nowMs, w.input.settings);
    if (!gone && !silent) continue;
    w.markLost(t, stopReasons.lost(t.containerInstanceArn, lostAfterMs));
    lostIds.push(t.id);
  }
  if (lostIds.length > 0) w.event(serviceMessages.lost(w.name, lostIds, lostAfterMs));
}

/** Base delay of start throttling, doubled per further failure, capped at ECS's 15 minutes. */
export const throttle = { after: 3, baseMs: 5_000, maxMs: 15 * 60_000 } as const;

export function observeStops(w: Working): void {
  resetOnHealthyTasks(w);
  const primary = w.primary;
  let newStartFailures = 0;
  const failedBy = new Map<string, number>();
  for (const t of w.input.tasks) {
    if (t.lastStatus !== "STOPPED" || t.serviceObserved === true) continue;
    w.observed.push(t.arn);
    const kind = stopKind(t);
    if (kind === "scheduled") continue;
    failedBy.set(t.startedBy ?? "", (failedBy.get(t.startedBy ?? "") ?? 0) + 1);
    if (kind === "failedToStart" && t.startedBy === primary?.id) newStartFailures++;
  }
  for (const [id, n] of failedBy) countFailures(w, id, n);

  if (primary === undefined) return;
  const ranSinceLastFailure = w.alive().some((t) => t.startedBy === primary.id && t.lastStatus === "RUNNING");
  const before = w.service.startFailures;
  const startFailures = (ranSinceLastFailure ? 0 : before) + newStartFailures;
  let nextStartAtMs = startFailures === 0 ? undefined : w.service.nextStartAtMs;
  if (newStartFailures > 0 && startFailures >= throttle.after) {
    nextStartAtMs = w.nowMs + Math.min(throttle.maxMs, throttle.baseMs * 2 ** (startFailures - throttle.after));
    if (before < throttle.after) w.event(serviceMessages.throttled(w.name));
  }
  if (startFailures !== before || nextStartAtMs !== w.service.nextStartAtMs) w.service = { ...w.service, startFailures, nextStartAtMs };
}

/**
 * resetOnHealthyTask (ECS's default): a task of a rolling-out deployment that became healthy since
 * the last reconcile (it has more healthy tasks than it had) sets its failure count back to 0.
 */
function resetOnHealthyTasks(w: Working): void {
  const reset = w.service.deploymentConfiguration.circuitBreaker.resetOnHealthyTask ?? true;
  const healthy = w.wanted().filter((t) => w.healthy(t));
  for (const d of w.deployments) {
    if (d.rolloutState !== "IN_PROGRESS") continue;
    const healthyTasks = healthy.filter((t) => t.startedBy === d.id).length;
    if (healthyTasks === (d.healthyTasks ?? 0)) continue;
    const failedTasks = reset && healthyTasks > (d.healthyTasks ?? 0) ? 0 : d.failedTasks;
    w.updateDeployment(d.id, (x) => ({ ...x, healthyTasks, failedTasks }));
  }
}

/** Failures count toward a deployment's circuit breaker only while it is rolling out. */
function countFailures(w: Working, deploymentId: string, n: number): void {
  w.updateDeployment(deploymentId, (d) => (d.rolloutState === "IN_PROGRESS" ? { ...d, failedTasks: d.failedTasks + n } : d));
}

export function replaceUnhealthy(w: Working): void {
  const graceMs = w.service.healthCheckGracePeriodSeconds * 1000;
  for (const t of w.wanted()) {
    if (!failsHealthChecks(t, w.nowMs, graceMs)) continue;
    const elb = t.targetHealth === "UNHEALTHY" && checkedHealth(t) !== "UNHEALTHY";
    w.stop(t, elb ? stopReasons.unhealthyTargets : stopReasons.unhealthy);
    w.event(elb ? serviceMessages.unhealthyTargets(w.name, t.id) : serviceMessages.unhealthy(w.name, t.id));
    countFailures(w, t.startedBy ?? "", 1);
  }
}

/**
 * The circuit breaker: a rolling-out PRIMARY deployment with as many failed tasks as the threshold
 * is FAILED; with rollback, a new PRIMARY deployment returns to the last COMPLETED task definition.
 * StopServiceDeployment (ROLLBACK) takes the same path: the deployment fails and rolls back, whether
 * or not the circuit breaker is enabled.
 */
export function circuitBreaker(w: Working): void {
  const primary = w.primary;
  if (primary === undefined || primary.rolloutState !== "IN_PROGRESS") return;
  const requested = (w.service.serviceDeployments ?? []).some((h) => h.deploymentId === primary.id && h.rollbackRequestedAtMs !== undefined && h.rollback === undefined);
  const { enable, rollback, threshold } = w.service.deploymentConfiguration.circuitBreaker;
  if (requested) {
    failPrimary(w, primary, { reason: rolloutReasons.stopped, event: serviceMessages.deploymentStopped(w.name, primary.id), rollback: rolloutReasons.stopRollback, evenToItsOwnDefinition: true });
    return;
  }
  if (!enable || primary.failedTasks < circuitBreakerThreshold(w.service.desiredCount, threshold)) return;
  failPrimary(w, primary, { reason: rolloutReasons.circuitBreaker, event: serviceMessages.deploymentFailed(w.name, primary.id), rollback: rollback ? rolloutReasons.rollback : undefined });
}

/**
 * The PRIMARY deployment FAILED, saying why. With `rollback` (its reason for the new deployment), a
 * blue/green deployment returns to blue while blue still runs (blue-green.ts); otherwise a new
 * PRIMARY deployment returns to the last COMPLETED one's task definition, unless that is the
 * failed deployment's own (it would fail again) and the rollback was not asked for by name.
 */
export function failPrimary(
  w: Working,
  primary: DeploymentRecord,
  failure: { readonly reason: string; readonly event: string; readonly rollback: ((toId: string) => string) | undefined; readonly evenToItsOwnDefinition?: boolean },
): void {
  w.updateDeployment(primary.id, (d) => ({ ...d, rolloutState: "FAILED", rolloutStateReason: failure.reason }));
  w.event(failure.event);
  if (failure.rollback !== undefined && primary.blueGreen !== undefined && rollBackToBlue(w, primary)) return;
  const back = w.service.lastCompleted;
  if (back === undefined || failure.rollback === undefined || (failure.evenToItsOwnDefinition !== true && back.taskDefinitionArn === primary.taskDefinitionArn)) return;
  const next = withNewDeployment(
    { ...w.service, deployments: w.deployments },
    { id: w.input.newDeploymentId, taskDefinitionArn: back.taskDefinitionArn, nowMs: w.nowMs, reason: failure.rollback(back.deploymentId) },
  );
  w.deployments = [...next.deployments];
  w.service = next;
  w.event(serviceMessages.rollingBack(w.name, back.deploymentId));
}
