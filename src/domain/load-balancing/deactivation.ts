import type { TaskSpec } from "../../agent-protocol/messages.js";
import type { ReadTx } from "../../state/store.js";
import type { TaskRecord } from "../task.js";

/**
 * ECS's DEACTIVATING: a task asked to stop (StopTask) whose targets are still registered in target
 * groups is deregistered first; its containers are signalled only once its targets have drained.
 * Its desiredStatus is STOPPED at once (as ECS answers), its lastStatus DEACTIVATING, and its agent
 * keeps running it until the load-balancing controller moves it on to STOPPING (drained, or at the
 * latest after the deregistration delay). Fixes ECS's 502s on StopTask (containers-roadmap#708).
 */
export async function deactivatesFirst(tx: ReadTx, task: TaskRecord): Promise<boolean> {
  if (task.lastStatus !== "RUNNING") return false;
  return (await tx.loadBalancing.targetsOfTask(task.arn)).some((t) => t.state === "registered");
}

/** What the agent is told: a DEACTIVATING task still runs (its targets drain). */
export function agentSpec(task: TaskRecord): TaskSpec {
  return task.lastStatus === "DEACTIVATING" && task.spec.desiredStatus === "STOPPED" ? { ...task.spec, desiredStatus: "RUNNING" } : task.spec;
}
