import { randomBytes } from "node:crypto";
import type { RegisterTaskDefinitionCommandInput, Task } from "@aws-sdk/client-ecs";
import { docker, type BerthCluster } from "./berth-cluster.js";
import { aContainer } from "./fixtures.js";

/**
 * What the awsvpc tests share: an agent whose pause container is the test image, a subnet of their
 * own, a two-container task that proves its containers share one namespace, and the clean-up of
 * what awsvpc tasks leave in Docker.
 */

/** Agent environment: the pause container is the test image, waiting (the default pause image would need a registry). */
export const testPauseAgentEnv: Readonly<Record<string, string>> = { BERTH_PAUSE_IMAGE: "berth-test:latest", BERTH_PAUSE_COMMAND: "sleep 2147483647" };

/** A subnet id no other test uses, and the Docker network the agent makes for it. */
export function aTestSubnet(): { subnet: string; network: string } {
  const subnet = `subnet-${randomBytes(4).toString("hex")}`;
  return { subnet, network: `berth-${subnet}` };
}

/**
 * An awsvpc task definition: `web` serves port 80, and `client` (not essential) reaches it on
 * 127.0.0.1, whatever security groups allow, exiting 0 once it has the page: the two share one namespace.
 */
export function aLocalhostPair(family: string): RegisterTaskDefinitionCommandInput {
  return {
    family,
    networkMode: "awsvpc",
    containerDefinitions: [
      aContainer({ name: "web", portMappings: [{ containerPort: 80 }] }),
      aContainer({
        name: "client",
        essential: false,
        command: ["sh", "-c", "for i in $(seq 100); do wget -q -O - http://127.0.0.1:80/ | grep -q 'berth-test ok' && exit 0; sleep 0.1; done; exit 1"],
      }),
    ],
  };
}

/** A detail of the task's elastic network interface (its first attachment); "" when it has none. */
export const eniDetail = (t: Task, name: string): string => t.attachments?.[0]?.details?.find((d) => d.name === name)?.value ?? "";

const lines = (s: string): string[] => s.split("\n").filter((l) => l !== "");

/** Stops the cluster, then removes what its agent's awsvpc tasks may have left: their pause containers, and the subnet's network. */
export async function stopAwsvpcCluster(cluster: BerthCluster, network: string): Promise<void> {
  const pauses = await docker("ps", "-aq", "--filter", "label=berth.pause-of", "--filter", `label=berth.container-instance=${cluster.agents[0]?.containerInstanceArn ?? "none"}`);
  await cluster.stop();
  if (lines(pauses).length > 0) await docker("rm", "-f", ...lines(pauses)).catch(() => "");
  const networks = lines(await docker("network", "ls", "-q", "--filter", `name=^${network}$`));
  if (networks.length > 0) await docker("network", "rm", ...networks);
}
