import type { AlarmWatch, DeploymentRecord } from "../../domain/service.js";
import { failPrimary } from "./lifecycle-rules.js";
import { rolloutReasons, serviceMessages } from "./messages.js";
import type { Working } from "./working.js";

/**
 * Deployment alarms (`deploymentConfiguration.alarms`), as ECS watches a rolling update with them:
 * - when the PRIMARY deployment starts rolling out, its watch starts, unless one of the alarms is
 *   in ALARM already (ECS then does not watch that deployment; an event says which);
 * - while it rolls out, and through the bake time after it reached its desired state, an alarm
 *   going to ALARM fails it (TRIGGERED), and with `rollback` a new deployment returns to the last
 *   COMPLETED one, as the circuit breaker's does;
 * - it completes only once baked (deploymentProgress asks `baked`). ECS computes the bake time from
 *   the alarms and does not publish how; Berth bakes for the longest evaluation window (period ×
 *   evaluation periods) of the alarms that exist, and says so in the deployment's reason.
 * Alarm states come from the snapshot (the CloudWatch alarms of the service's region); a deployment
 * in progress is looked at every second (wake-at.ts), so a state change is seen within one.
 */
export function deploymentAlarms(w: Working): void {
  const primary = w.primary;
  const config = w.service.deploymentConfiguration.alarms;
  if (primary === undefined || primary.rolloutState !== "IN_PROGRESS" || config?.enable !== true) return;
  const watch = primary.alarmWatch ?? startWatch(w, primary, config.alarmNames);
  if (watch.status !== "MONITORING") return;
  const firing = watch.alarmNames.filter((n) => w.input.alarms?.get(n)?.state === "ALARM");
  if (firing.length === 0) return;
  w.updateDeployment(primary.id, (d) => ({ ...d, alarmWatch: { ...watch, status: "TRIGGERED", triggered: firing } }));
  failPrimary(w, primary, {
    reason: rolloutReasons.alarms(firing),
    event: serviceMessages.alarmsTriggered(w.name, primary.id, firing),
    rollback: config.rollback ? rolloutReasons.alarmsRollback : undefined,
  });
}

function startWatch(w: Working, primary: DeploymentRecord, alarmNames: readonly string[]): AlarmWatch {
  const missing = alarmNames.filter((n) => w.input.alarms?.get(n) === undefined);
  if (missing.length > 0) w.event(serviceMessages.alarmsMissing(w.name, primary.id, missing));
  const firing = alarmNames.filter((n) => w.input.alarms?.get(n)?.state === "ALARM");
  if (firing.length > 0) w.event(serviceMessages.alarmsAlreadyFiring(w.name, primary.id, firing));
  const watch: AlarmWatch = { status: firing.length > 0 ? "DISABLED" : "MONITORING", alarmNames: [...alarmNames] };
  w.updateDeployment(primary.id, (d) => ({ ...d, alarmWatch: watch }));
  return watch;
}

/**
 * Called by deploymentProgress when the PRIMARY deployment has reached its desired state: true
 * when it may complete now (no alarms watch it, or it has baked; a blue/green one once its blue
 * tasks are stopping after its own bake time), else the bake starts or goes on.
 */
export function baked(w: Working, primary: DeploymentRecord): boolean {
  const watch = primary.alarmWatch;
  const watching = watch?.status === "MONITORING" && w.service.deploymentConfiguration.alarms?.enable === true;
  if (primary.blueGreen !== undefined) {
    // A blue/green deployment bakes for bakeTimeInMinutes after production traffic shifted (blue-green.ts).
    if (primary.blueGreen.stage !== "CLEAN_UP") return false;
    if (watching) w.updateDeployment(primary.id, (d) => ({ ...d, alarmWatch: { ...watch, status: "MONITORING_COMPLETE" } }));
    return true;
  }
  if (!watching) return true;
  const bakeMs = Math.max(0, ...watch.alarmNames.map((n) => w.input.alarms?.get(n)?.windowMs ?? 0));
  const from = watch.bakeFromMs ?? w.nowMs;
  if (w.nowMs >= from + bakeMs) {
    w.updateDeployment(primary.id, (d) => ({ ...d, alarmWatch: { ...watch, status: "MONITORING_COMPLETE" } }));
    return true;
  }
  if (watch.bakeFromMs === undefined) {
    w.updateDeployment(primary.id, (d) => ({ ...d, rolloutStateReason: rolloutReasons.baking(d.id, bakeMs), alarmWatch: { ...watch, bakeFromMs: from } }));
    w.event(serviceMessages.baking(w.name, primary.id, bakeMs));
  }
  return false;
}
