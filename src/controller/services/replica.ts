import type { TaskRecord } from "../../domain/task.js";
import { isProtected } from "../../domain/task-protection.js";
import { serviceMessages, stopReasons } from "./messages.js";
import { checkedHealth } from "./task-health.js";
import type { Working } from "./working.js";

/** The task-count bounds of a REPLICA service (ecs-surface.md §6, deploymentConfiguration). */
export function replicaBounds(desiredCount: number, minimumHealthyPercent: number, maximumPercent: number) {
  return {
    /** RUNNING + PENDING (here: every task not yet known STOPPED) never goes above this. */
    maxAlive: Math.floor((desiredCount * maximumPercent) / 100),
    /** Healthy tasks are never stopped below this. */
    minHealthy: Math.ceil((desiredCount * minimumHealthyPercent) / 100),
  };
}

/**
 * REPLICA scheduling and rolling deployments in one step:
 * - starts: the PRIMARY deployment needs `desired` tasks on ACTIVE instances; it gets as many as
 *   the maximum allows (every task not yet STOPPED counts, tasks being stopped included, so
 *   that no observer ever sees more than the maximum);
 * - stops: tasks of older deployments, tasks on DRAINING instances and a scale-in surplus; those
 *   not yet RUNNING (or failing health checks) go at once, healthy ones only while the healthy
 *   count stays at or above the minimum, and RUNNING ones still settling wait (unless the desired
 *   count is 0: then everything goes at once). So the count of
 *   RUNNING tasks an observer sees never drops below the minimum through our stops, and new tasks
 *   start before old ones stop whenever the maximum allows.
 */
export function replicaStartsAndStops(w: Working): void {
  const primary = w.primary;
  const live = w.service.status === "ACTIVE";
  const desired = live ? w.service.desiredCount : 0;
  const { minimumHealthyPercent, maximumPercent } = w.service.deploymentConfiguration;
  const { maxAlive, minHealthy } = replicaBounds(desired, live ? minimumHealthyPercent : 0, maximumPercent);

  const wanted = w.wanted();
  const costFree = (t: TaskRecord) => t.lastStatus !== "RUNNING" || checkedHealth(t) === "UNHEALTHY";
  const primaryTasks = wanted.filter((t) => t.startedBy === primary?.id);
  const placedWell = primaryTasks.filter((t) => !w.onDrainingInstance(t));

  // Scale-in protection: neither scale-in nor a deployment stops a protected task while the
  // service lives (a deployment waits for it); draining an instance and deleting the service do.
  const unprotected = (t: TaskRecord) => !live || !isProtected(t, w.nowMs);
  const old = wanted.filter((t) => t.startedBy !== primary?.id && unprotected(t));
  const draining = primaryTasks.filter((t) => w.onDrainingInstance(t));
  const surplus = scaleInOrder(w, placedWell.filter(unprotected)).slice(0, Math.max(0, placedWell.length - desired));
  const candidates: [TaskRecord, string][] = [
    ...old.map((t): [TaskRecord, string] => [t, live ? stopReasons.deployment : stopReasons.serviceDeleted]),
    ...draining.map((t): [TaskRecord, string] => [t, stopReasons.draining]),
    ...surplus.map((t): [TaskRecord, string] => [t, live ? stopReasons.scaledIn.replace("%s", primary?.id ?? "") : stopReasons.serviceDeleted]),
  ];
  // Stopping a task that is not running (or fails its checks) costs nothing; healthy ones go only
  // down to the minimum; RUNNING ones still settling wait until they count one way or the other.
  // With nothing to keep (a deleted service, or one scaled to 0) every task goes now, whatever its
  // health timers: there is no minimum to protect.
  let budget = wanted.filter((t) => w.healthy(t)).length - minHealthy;
  const stopped: string[] = [];
  const goesNow = (t: TaskRecord) => costFree(t) || desired === 0;
  const free = candidates.filter(([t]) => goesNow(t));
  for (const [t, reason] of [...free, ...candidates.filter(([t]) => w.healthy(t) && !goesNow(t))]) {
    if (!goesNow(t)) {
      if (budget <= 0) continue;
      budget--;
    }
    w.stop(t, reason, live && !w.onDrainingInstance(t));
    stopped.push(t.id);
  }
  if (stopped.length > 0) w.event(serviceMessages.stopped(w.name, stopped));

  const room = maxAlive - w.alive().length;
  const missing = desired - placedWell.length;
  const canStart = live && primary !== undefined && primary.rolloutState !== "FAILED" && (w.service.nextStartAtMs ?? 0) <= w.nowMs;
  const count = Math.min(missing, room);
  if (canStart && count > 0) w.starts.push({ deploymentId: primary.id, taskDefinitionArn: primary.taskDefinitionArn, count });

  // Work to do, nothing allowed, nothing in flight: the percents themselves block the deployment.
  const inFlight = w.alive().some((t) => !w.healthy(t));
  if (live && candidates.length > stopped.length && missing > 0 && room <= 0 && stopped.length === 0 && !inFlight) {
    w.event(serviceMessages.blocked(w.name));
  }
}

/**
 * Which surplus tasks go first: from the Availability Zone holding the most of the service's tasks,
 * then those not yet healthy, then from the instance holding the most (spread by zone and instance
 * read in reverse, as ECS scales in; it also ends an AZ rebalancing's extra task in the right zone),
 * then the newest.
 */
function scaleInOrder(w: Working, tasks: readonly TaskRecord[]): TaskRecord[] {
  const perInstance = new Map<string, number>();
  const perZone = new Map<string, number>();
  const zoneOf = (t: TaskRecord) => w.instances.get(t.containerInstanceArn)?.zone ?? "";
  for (const t of tasks) {
    perInstance.set(t.containerInstanceArn, (perInstance.get(t.containerInstanceArn) ?? 0) + 1);
    perZone.set(zoneOf(t), (perZone.get(zoneOf(t)) ?? 0) + 1);
  }
  const key = (t: TaskRecord): [number, number, number, number, string] => [
    -(perZone.get(zoneOf(t)) ?? 0),
    w.healthy(t) ? 1 : 0,
    -(perInstance.get(t.containerInstanceArn) ?? 0),
    -t.createdAtMs,
    t.arn,
  ];
  return [...tasks].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    return 0;
  });
}
