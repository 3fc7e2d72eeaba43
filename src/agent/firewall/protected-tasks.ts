import type { TaskActor } from "../task-actor.js";
import type { ProtectedTask } from "./rules.js";

/**
 * This agent's awsvpc tasks that have an address and are not stopped: what its security groups
 * protect. A task adopted after a restart has its address before the server's manifest brings its
 * groups: until then it is protected by no group, so nothing new reaches it.
 */
export function protectedTasks(actors: Iterable<TaskActor>): ProtectedTask[] {
  const out: ProtectedTask[] = [];
  for (const a of actors) {
    const eni = a.networkInterface;
    if (eni === undefined || a.phase === "STOPPED") continue;
    out.push({ ip: eni.privateIPv4Address, groups: a.spec.awsvpc?.securityGroups ?? [] });
  }
  return out;
}
