import type { InspectedContainer } from "../docker/docker-engine.js";
import type { TaskActor } from "../task-actor.js";

/** `::ffff:172.17.0.2` (an IPv4 peer of a dual-stack socket) → `172.17.0.2`. */
export const plainIpv4 = (address: string): string => (address.startsWith("::ffff:") ? address.slice(7) : address);

/**
 * Whether a request from `address` comes from one of `actor`'s live containers: a container of
 * another task, or the host, never gets this task's credentials even with the right id. The
 * addresses the agent recorded are checked first; a container that asks before the agent inspected
 * it after its start is looked up in Docker. Containers already stopped do not count (Docker hands
 * their addresses to new containers).
 */
export async function fromTaskContainer(actor: TaskActor | undefined, address: string | undefined, inspect: (id: string) => Promise<InspectedContainer>): Promise<boolean> {
  if (!actor || address === undefined) return false;
  const ip = plainIpv4(address);
  const live = [...actor.containers.values()].filter((c) => c.status !== "STOPPED" && c.dockerId !== undefined);
  if (live.some((c) => c.ipv4.includes(ip))) return true;
  // awsvpc: the containers share the pause container's namespace, and ask from the task's own address.
  if (live.length > 0 && actor.networkInterface?.privateIPv4Address === ip) return true;
  for (const c of live) {
    const inspected = await inspect(c.dockerId!).catch(() => undefined);
    if (inspected?.State.Running !== true) continue;
    if (Object.values(inspected.NetworkSettings?.Networks ?? {}).some((n) => n.IPAddress === ip)) return true;
  }
  return false;
}
