import { baked } from "./deployment-alarms.js";
import { rolloutReasons, serviceMessages } from "./messages.js";
import type { Working } from "./working.js";

/** ECS repeats the steady-state event about every six hours while nothing changes. */
export const steadyNoticeEveryMs = 6 * 3_600_000;

/**
 * Deployment bookkeeping after this plan's stops: counts per deployment, older deployments with
 * nothing left alive dropped (INACTIVE), the PRIMARY one COMPLETED once it alone runs the desired
 * count, all healthy, with nothing else alive (or once its early success criteria are met), and its
 * deployment alarms' bake time has passed.
 */
export function deploymentProgress(w: Working): void {
  const alive = w.alive();
  const wanted = w.wanted();
  const primaryId = w.primary?.id;
  w.deployments = w.deployments.filter((d) => d.id === primaryId || alive.some((t) => t.startedBy === d.id));
  const desired = w.service.status === "ACTIVE" ? w.service.desiredCount : 0;
  for (const d of w.deployments) {
    const mine = wanted.filter((t) => t.startedBy === d.id);
    const runningCount = mine.filter((t) => t.lastStatus === "RUNNING").length;
    const isPrimary = d.id === primaryId;
    w.updateDeployment(d.id, (x) => ({
      ...x,
      status: isPrimary ? "PRIMARY" : "ACTIVE",
      desiredCount: isPrimary ? desired : mine.length,
      runningCount,
      pendingCount: mine.length - runningCount,
    }));
  }

  const primary = w.primary;
  if (primary === undefined || primary.rolloutState !== "IN_PROGRESS") return;
  const mine = wanted.filter((t) => t.startedBy === primary.id);
  if (earlySuccess(w, mine.filter((t) => w.healthy(t) && !w.onDrainingInstance(t)).length, desired) && baked(w, primary)) return complete(w, primary.id);
  if (w.deployments.length !== 1) return;
  const done = alive.length === desired && mine.length === desired && mine.every((t) => w.healthy(t) && !w.onDrainingInstance(t));
  if (!done || w.starts.length > 0) {
    awaitingHealth(w, primary.id, { alive: alive.length, mine, desired });
    return;
  }
  if (baked(w, primary)) complete(w, primary.id);
}

/**
 * A rolling update's early success criteria are met: `healthyPercent` of the desired count runs
 * healthy on the new revision, and (BLOCKING) the previous revisions' tasks are gone. The rollout
 * then goes on to the whole count, and (DEFERRED) the previous tasks go, after the deployment completed.
 */
function earlySuccess(w: Working, healthy: number, desired: number): boolean {
  const early = w.service.deploymentConfiguration.earlySuccess;
  if (early === undefined || w.primary?.blueGreen !== undefined) return false;
  return healthy >= Math.ceil((desired * early.healthyPercent) / 100) && (early.cleanup === "DEFERRED" || w.deployments.length === 1);
}

function complete(w: Working, id: string): void {
  const primary = w.deployments.find((d) => d.id === id)!;
  w.updateDeployment(id, (d) => ({ ...d, rolloutState: "COMPLETED", rolloutStateReason: rolloutReasons.completed(d.id) }));
  w.service = { ...w.service, lastCompleted: { deploymentId: id, taskDefinitionArn: primary.taskDefinitionArn } };
  w.event(serviceMessages.deploymentCompleted(w.name, id));
}

/**
 * ECS's services-stable waiter returns as soon as a service has one deployment whose tasks are all
 * RUNNING; the deployment completes only when they are healthy. Berth says so once, in the
 * deployment's rolloutStateReason and an event, so that a user knows what is still awaited.
 */
function awaitingHealth(w: Working, deploymentId: string, n: { alive: number; mine: readonly { lastStatus: string }[]; desired: number }): void {
  const primary = w.primary;
  const allRunning = n.desired > 0 && n.alive === n.desired && n.mine.length === n.desired && n.mine.every((t) => t.lastStatus === "RUNNING");
  if (primary === undefined || !allRunning || w.starts.length > 0) return;
  const reason = rolloutReasons.awaitingHealth(deploymentId, n.desired, w.input.settings.healthyAfterMs);
  if (primary.rolloutStateReason === reason) return;
  w.updateDeployment(deploymentId, (d) => ({ ...d, rolloutStateReason: reason }));
  w.event(serviceMessages.awaitingHealth(w.name, deploymentId, n.desired, w.input.settings.healthyAfterMs));
}

/** "has reached a steady state.": one COMPLETED deployment running the desired count, nothing in flight. */
export function steadyState(w: Working): void {
  const primary = w.primary;
  const steady =
    w.service.status === "ACTIVE" &&
    w.deployments.length === 1 &&
    primary?.rolloutState === "COMPLETED" &&
    primary.runningCount === w.service.desiredCount &&
    primary.pendingCount === 0 &&
    w.alive().length === w.service.desiredCount &&
    w.starts.length === 0 &&
    w.stops.length === 0 &&
    w.lost.length === 0;
  const last = w.service.steadyNoticeAtMs;
  if (!steady) {
    if (last !== undefined) w.service = { ...w.service, steadyNoticeAtMs: undefined };
    return;
  }
  if (last !== undefined && w.nowMs - last < steadyNoticeEveryMs) return;
  w.service = { ...w.service, steadyNoticeAtMs: w.nowMs };
  w.event(serviceMessages.steady(w.name));
}

/** A deleted (DRAINING) service becomes INACTIVE once none of its tasks is alive. */
export function retireDeleted(w: Working): void {
  if (w.service.status === "DRAINING" && w.alive().length === 0 && w.stops.length === 0) w.service = { ...w.service, status: "INACTIVE" };
}
