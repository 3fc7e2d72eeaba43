import type { TaskRecord } from "../../domain/task.js";
import { isLost } from "../lost-instances/lost-tasks.js";
import { serviceMessages, stopReasons } from "./messages.js";
import type { Working } from "./working.js";

/** The instances a DAEMON service runs one task on: ACTIVE, admitted by its constraints, agent not lost. */
export function daemonInstances(w: Working): string[] {
  return w.input.instances
    .filter((i) => i.status === "ACTIVE" && i.daemonEligible && !isLost(i, w.nowMs, w.input.settings))
    .map((i) => i.arn);
}

/**
 * DAEMON scheduling: exactly one task of the PRIMARY deployment per eligible instance. Tasks on
 * other instances (DRAINING, no longer matching) stop; a task of an older deployment stops before
 * its replacement starts on the same instance (DAEMON deployments are 0/100 in ECS), and a new task
 * starts only once nothing of the service is left alive on the instance, so ports and memory are free.
 */
export function daemonStartsAndStops(w: Working): void {
  const primary = w.primary;
  const live = w.service.status === "ACTIVE";
  const eligible = new Set(live ? daemonInstances(w) : []);
  if (live && w.service.desiredCount !== eligible.size) w.service = { ...w.service, desiredCount: eligible.size };

  const byInstance = new Map<string, TaskRecord[]>();
  for (const t of w.alive()) byInstance.set(t.containerInstanceArn, [...(byInstance.get(t.containerInstanceArn) ?? []), t]);
  const stopped: string[] = [];
  const stop = (t: TaskRecord, reason: string) => {
    w.stop(t, reason);
    stopped.push(t.id);
  };
  const wanted = new Set(w.wanted().map((t) => t.arn));

  for (const [instanceArn, tasks] of byInstance) {
    const running = tasks.filter((t) => wanted.has(t.arn));
    if (!eligible.has(instanceArn)) {
      const reason = !live ? stopReasons.serviceDeleted : w.onDrainingInstance(tasks[0]!) ? stopReasons.draining : stopReasons.daemonIneligible;
      running.forEach((t) => stop(t, reason));
      continue;
    }
    running.filter((t) => t.startedBy !== primary?.id).forEach((t) => stop(t, stopReasons.deployment));
    // More than one of the current deployment (a race in an earlier placement): keep the oldest.
    running
      .filter((t) => t.startedBy === primary?.id)
      .sort((a, b) => a.createdAtMs - b.createdAtMs)
      .slice(1)
      .forEach((t) => stop(t, stopReasons.scaledIn.replace("%s", primary?.id ?? "")));
  }
  if (stopped.length > 0) w.event(serviceMessages.stopped(w.name, stopped));

  const canStart = live && primary !== undefined && primary.rolloutState !== "FAILED" && (w.service.nextStartAtMs ?? 0) <= w.nowMs;
  if (!canStart) return;
  for (const instanceArn of eligible) {
    const connected = w.instances.get(instanceArn)?.agentConnected === true;
    if (connected && (byInstance.get(instanceArn) ?? []).length === 0) {
      w.starts.push({ deploymentId: primary.id, taskDefinitionArn: primary.taskDefinitionArn, count: 1, instanceArn });
    }
  }
}
