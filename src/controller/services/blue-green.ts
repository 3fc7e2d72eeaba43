import { nextShare, productionTargetGroups, stepWaitMinutes, targetGroupsOf, trafficOrders } from "../../domain/blue-green.js";
import type { DeploymentRecord } from "../../domain/service.js";
import type { TaskRecord } from "../../domain/task.js";
import { serviceMessages, stopReasons } from "./messages.js";
import { replicaStartsAndStops } from "./replica.js";
import type { Working } from "./working.js";

/**
 * A blue/green, linear or canary deployment (domain/blue-green.ts), as ECS runs one, where the
 * PRIMARY deployment is green and the one it started from is blue:
 * - SCALE_UP: green starts its whole desired count, registered in its own target groups, beside
 *   blue's tasks (maximumPercent does not bound it: ECS needs room for both); blue keeps serving
 *   production, and a blue task that stops is replaced until the bake is over. Tasks of any other
 *   deployment (one this replaced before it shifted) go at once.
 * - once every green task is healthy (its targets too): the test rules, then the production rules
 *   are turned to green's target groups in this plan's write: all at once (BLUE_GREEN), or a share
 *   now and more after each step's wait (LINEAR: stepPercent every stepBakeTimeInMinutes; CANARY:
 *   canaryPercent, the rest after canaryBakeTimeInMinutes), PRODUCTION_TRAFFIC_SHIFT meanwhile.
 *   The other stages pass at once (Berth runs no lifecycle hooks); with all the traffic on green,
 *   BAKE_TIME starts;
 * - after `bakeTimeInMinutes`, CLEAN_UP: blue's tasks are stopped (their targets drain first; they
 *   get no traffic any more); the deployment completes once they are gone (deploymentProgress).
 * A failure before then (circuit breaker, deployment alarms, StopServiceDeployment) returns to blue
 * by turning the rules back (rollBackToBlue): its tasks never stopped.
 */
export function blueGreenStartsAndStops(w: Working): void {
  const primary = w.primary;
  const state = primary?.blueGreen;
  if (w.service.status !== "ACTIVE" || primary === undefined || state === undefined) return replicaStartsAndStops(w);
  const desired = w.service.desiredCount;
  const wanted = w.wanted();
  const green = wanted.filter((t) => t.startedBy === primary.id);
  const keepsBlue = primary.rolloutState !== "COMPLETED" && state.stage !== "CLEAN_UP";
  const blue = keepsBlue ? w.deployments.find((d) => d.id === state.from) : undefined;
  const blueTasks = wanted.filter((t) => t.startedBy === blue?.id);
  const placedWell = green.filter((t) => !w.onDrainingInstance(t));
  const surplus = placedWell.slice(desired);
  const leaving: [TaskRecord, string][] = [
    ...wanted.filter((t) => t.startedBy !== primary.id && t.startedBy !== blue?.id).map((t): [TaskRecord, string] => [t, stopReasons.deployment]),
    ...[...green, ...blueTasks].filter((t) => w.onDrainingInstance(t)).map((t): [TaskRecord, string] => [t, stopReasons.draining]),
    ...surplus.map((t): [TaskRecord, string] => [t, stopReasons.scaledIn.replace("%s", primary.id)]),
  ];
  for (const [t, reason] of leaving) w.stop(t, reason, !w.onDrainingInstance(t));
  if (leaving.length > 0) w.event(serviceMessages.stopped(w.name, leaving.map(([t]) => t.id)));
  takeBackShares(w, [primary.id, blue?.id]);

  const missing = desired - placedWell.length;
  if (missing > 0 && primary.rolloutState !== "FAILED" && (w.service.nextStartAtMs ?? 0) <= w.nowMs) {
    w.starts.push({ deploymentId: primary.id, taskDefinitionArn: primary.taskDefinitionArn, count: missing });
  }
  // Blue serves production (or is the rollback's) until the bake is over: a task of it that stops is replaced.
  const blueMissing = desired - blueTasks.filter((t) => !w.onDrainingInstance(t)).length;
  if (blue !== undefined && blueTasks.length > 0 && blueMissing > 0) w.starts.push({ deploymentId: blue.id, taskDefinitionArn: blue.taskDefinitionArn, count: blueMissing });
  if (primary.rolloutState !== "IN_PROGRESS") return;
  const config = w.service.deploymentConfiguration;
  if (state.stage === "SCALE_UP" && missing <= 0 && surplus.length === 0 && placedWell.every((t) => w.healthy(t))) {
    shiftTest(w, primary);
    // A service's first deployment has nothing beside it to share production with: all of it, at once.
    shiftProduction(w, primary, state.from === undefined ? 100 : nextShare(config, 0));
  } else if (state.stage === "PRODUCTION_TRAFFIC_SHIFT" && w.nowMs >= (state.sharedAtMs ?? w.nowMs) + stepWaitMinutes(config) * 60_000) {
    shiftProduction(w, primary, nextShare(config, state.share ?? 0));
  }
  const baking = w.primary?.blueGreen;
  if (baking?.stage === "BAKE_TIME" && w.nowMs >= (baking.shiftedAtMs ?? w.nowMs) + bakeMinutes(w, primary) * 60_000) cleanUp(w, primary);
}

/**
 * A deployment replaced while it had a share of production traffic (LINEAR, CANARY) gives it back
 * to production's target groups before its tasks drain.
 */
function takeBackShares(w: Working, keep: readonly (string | undefined)[]): void {
  for (const d of w.deployments) {
    if (keep.includes(d.id) || d.blueGreen?.stage !== "PRODUCTION_TRAFFIC_SHIFT" || (d.blueGreen.share ?? 0) === 0) continue;
    w.traffic.push(...trafficOrders(w.service, productionTargetGroups(w.service), "production"));
    w.updateDeployment(d.id, (x) => ({ ...x, blueGreen: { ...x.blueGreen!, share: 0 } }));
  }
}

/** Every green task healthy: the test rules turn to green's target groups. */
function shiftTest(w: Working, green: DeploymentRecord): void {
  const targetGroups = green.blueGreen?.targetGroups ?? [];
  const test = trafficOrders(w.service, targetGroups, "test");
  w.traffic.push(...test);
  if (test.length > 0) w.event(serviceMessages.testTrafficShifted(w.name, green.id, targetGroups));
}

/**
 * `share` percent of production traffic to green's target groups: a step (LINEAR, CANARY) waits
 * for the next; all of it (BLUE_GREEN at once, the others' last step) makes green production, and
 * the bake starts.
 */
function shiftProduction(w: Working, green: DeploymentRecord, share: number): void {
  const targetGroups = green.blueGreen?.targetGroups ?? [];
  const production = trafficOrders(w.service, targetGroups, "production", share);
  w.traffic.push(...production);
  if (production.length > 0) w.event(serviceMessages.productionTrafficShifted(w.name, green.id, share, targetGroups));
  if (share < 100) {
    const waitMinutes = stepWaitMinutes(w.service.deploymentConfiguration);
    w.updateDeployment(green.id, (d) => ({
      ...d,
      blueGreen: { ...d.blueGreen!, stage: "PRODUCTION_TRAFFIC_SHIFT", share, sharedAtMs: w.nowMs },
      rolloutStateReason: `ECS deployment ${d.id} in progress: ${share}% of production traffic shifted; the next step in ${waitMinutes} minutes.`,
    }));
    return;
  }
  w.service = { ...w.service, production: { deploymentId: green.id, targetGroups } };
  const minutes = bakeMinutes(w, green);
  w.updateDeployment(green.id, (d) => ({
    ...d,
    blueGreen: { ...d.blueGreen!, stage: "BAKE_TIME", share: 100, sharedAtMs: w.nowMs, shiftedAtMs: w.nowMs },
    rolloutStateReason: `ECS deployment ${d.id} in progress: production traffic shifted; baking for ${minutes} minutes before the previous revision's tasks stop.`,
  }));
  if (minutes > 0) w.event(serviceMessages.blueGreenBaking(w.name, green.id, minutes, green.blueGreen?.from ?? ""));
}

/** The bake time: none for a service's first deployment, which has no blue to return to. */
const bakeMinutes = (w: Working, green: DeploymentRecord): number => (green.blueGreen?.from === undefined ? 0 : (w.service.deploymentConfiguration.bakeTimeInMinutes ?? 0));

/** The bake time is over: blue's tasks go; the deployment completes once they are gone. */
function cleanUp(w: Working, green: DeploymentRecord): void {
  const blue = w.wanted().filter((t) => t.startedBy !== green.id);
  for (const t of blue) w.stop(t, stopReasons.deployment, true);
  if (blue.length > 0) w.event(serviceMessages.stopped(w.name, blue.map((t) => t.id)));
  w.updateDeployment(green.id, (d) => ({ ...d, blueGreen: { ...d.blueGreen!, stage: "CLEAN_UP" }, rolloutStateReason: `ECS deployment ${d.id} in progress: baked; the previous revision's tasks are stopping.` }));
}

/**
 * A failed blue/green deployment returns to blue, when blue still runs: blue is PRIMARY again and
 * takes the production (and test) traffic back in this plan's write; green's tasks then go as a
 * replaced deployment's. Returns false when there is no blue to return to (the caller then rolls
 * back as a rolling update does).
 */
export function rollBackToBlue(w: Working, green: DeploymentRecord): boolean {
  const blue = w.deployments.find((d) => d.id === green.blueGreen?.from && d.id !== green.id);
  if (blue === undefined || !w.wanted().some((t) => t.startedBy === blue.id)) return false;
  const targetGroups = targetGroupsOf({ loadBalancers: w.service.loadBalancers, deployments: [blue] }, blue.id);
  w.traffic.push(...trafficOrders(w.service, targetGroups, "test"), ...trafficOrders(w.service, targetGroups, "production"));
  w.deployments = [{ ...blue, status: "PRIMARY" }, ...w.deployments.filter((d) => d.id !== blue.id).map((d) => ({ ...d, status: "ACTIVE" as const }))];
  w.service = { ...w.service, taskDefinitionArn: blue.taskDefinitionArn, production: { deploymentId: blue.id, targetGroups }, startFailures: 0, nextStartAtMs: undefined };
  w.event(serviceMessages.rollingBack(w.name, blue.id));
  return true;
}
