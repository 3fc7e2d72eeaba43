import { computedDesiredCount, type TaskSetRecord } from "../../domain/task-set.js";
import type { TaskRecord } from "../../domain/task.js";
import { stopReasons } from "./messages.js";
import type { Working } from "./working.js";

/** Why a task of a task set is stopped. */
export const taskSetStopReasons = {
  scaledIn: (id: string) => `Scaling activity initiated by (task set ${id})`,
  deleted: (id: string) => `Task set ${id} was deleted.`,
  unknown: "Berth: the task belongs to no task set of its EXTERNAL service.",
};

/**
 * Placement of an EXTERNAL service (the decision that replaces REPLICA's rolling deployment for
 * it): each task set keeps its computed desired count of tasks (the service's desired count times
 * its scale, rounded up; 0 once DRAINING or the service is deleted), newest surplus tasks stopped
 * first; tasks of no task set are stopped; a DRAINING set with nothing left is forgotten. Each set's
 * counts and stability are kept on it, as ECS shows them.
 */
export function taskSetStartsAndStops(w: Working): void {
  const live = w.service.status === "ACTIVE";
  const sets = w.service.taskSets ?? [];
  const wanted = w.wanted();
  for (const t of wanted.filter((t) => !sets.some((s) => s.id === t.startedBy))) w.stop(t, taskSetStopReasons.unknown);

  const next: TaskSetRecord[] = [];
  for (const set of sets) {
    const target = live ? computedDesiredCount(w.service.desiredCount, set) : 0;
    const mine = wanted.filter((t) => t.startedBy === set.id);
    const placedWell = mine.filter((t) => !w.onDrainingInstance(t));
    for (const t of mine.filter((t) => w.onDrainingInstance(t))) w.stop(t, stopReasons.draining);
    const surplus = newestFirst(placedWell).slice(0, Math.max(0, placedWell.length - target));
    const reason = set.status === "DRAINING" ? taskSetStopReasons.deleted(set.id) : live ? taskSetStopReasons.scaledIn(set.id) : stopReasons.serviceDeleted;
    for (const t of surplus) w.stop(t, reason);
    const missing = target - (placedWell.length - surplus.length);
    if (missing > 0 && (w.service.nextStartAtMs ?? 0) <= w.nowMs) w.starts.push({ deploymentId: set.id, taskDefinitionArn: set.taskDefinitionArn, count: missing });
    if (set.status === "DRAINING" && w.alive().every((t) => t.startedBy !== set.id)) continue;
    next.push(withCounts(w, set, target));
  }
  if (JSON.stringify(next) !== JSON.stringify(sets)) w.service = { ...w.service, taskSets: next };
}

function withCounts(w: Working, set: TaskSetRecord, target: number): TaskSetRecord {
  const alive = w.alive().filter((t) => t.startedBy === set.id);
  const runningCount = alive.filter((t) => t.lastStatus === "RUNNING").length;
  const pendingCount = alive.length - runningCount;
  const stabilityStatus = runningCount === target && pendingCount === 0 && w.starts.every((s) => s.deploymentId !== set.id) ? "STEADY_STATE" : "STABILIZING";
  if (runningCount === set.runningCount && pendingCount === set.pendingCount && stabilityStatus === set.stabilityStatus) return set;
  return {
    ...set,
    runningCount,
    pendingCount,
    stabilityStatus,
    stabilityStatusAtMs: stabilityStatus === set.stabilityStatus ? set.stabilityStatusAtMs : w.nowMs,
    updatedAtMs: w.nowMs,
  };
}

const newestFirst = (tasks: readonly TaskRecord[]): TaskRecord[] => [...tasks].sort((a, b) => b.createdAtMs - a.createdAtMs || b.arn.localeCompare(a.arn));
