import { aContainer } from "./fixtures.js";
import { docker } from "./berth-cluster.js";

/**
 * A container of the test image that burns one core while /tmp/burn exists and otherwise naps:
 * load on request, switched with `docker exec` (the image stays as it is; busybox's sh is enough).
 * 256 CPU units reserved: one busy core is 400 % of the reservation, well above any target even
 * when the machine's other work leaves the loop a fraction of a core.
 */
export const cpuBurner = () => aContainer({ cpu: 256, memory: 64, command: ["sh", "-c", "while :; do if [ -e /tmp/burn ]; then :; else sleep 0.2; fi; done"] });

/** Starts the load in one container. */
export const startBurning = (container: string): Promise<string> => docker("exec", container, "touch", "/tmp/burn");

/** Stops the load in every running container of the cluster. */
export async function stopBurning(cluster: string): Promise<void> {
  const ids = (await docker("ps", "-q", "--filter", `label=com.amazonaws.ecs.cluster=${cluster}`)).split("\n").filter(Boolean);
  // A container that stopped meanwhile has nothing to stop.
  await Promise.all(ids.map((id) => docker("exec", id, "rm", "-f", "/tmp/burn").catch(() => "")));
}
