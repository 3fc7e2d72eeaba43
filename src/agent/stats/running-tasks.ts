import type { TaskActor } from "../task-actor.js";
import type { RunningTask } from "./stats-sampler.js";

/** The tasks whose statistics count: RUNNING (or stopping, still running), with their running containers. */
export function runningTasks(actors: Iterable<TaskActor>): RunningTask[] {
  const out: RunningTask[] = [];
  for (const a of actors) {
    if (a.phase !== "RUNNING" && a.phase !== "STOPPING") continue;
    const dockerIds = [...a.containers.values()].flatMap((c) => (c.status === "RUNNING" && c.dockerId ? [c.dockerId] : []));
    if (dockerIds.length > 0) out.push({ taskArn: a.spec.taskArn, dockerIds });
  }
  return out;
}
