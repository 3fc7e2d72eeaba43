import { randomBytes } from "node:crypto";
import type { RegisterTaskDefinitionCommandInput, Task } from "@aws-sdk/client-ecs";
import { docker, type BerthCluster } from "./berth-cluster.js";
import type { BerthServer } from "./berth-server.js";
import { aContainer } from "./fixtures.js";
import { ec2 } from "./security-groups.js";

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

/** An awsvpc task definition serving port 80 (`web`) and port 8080 (`alt`): a peer on which a rule's port range shows. */
export function aTwoPortWeb(family: string): RegisterTaskDefinitionCommandInput {
  return {
    family,
    networkMode: "awsvpc",
    containerDefinitions: [
      aContainer({ name: "web", portMappings: [{ containerPort: 80 }] }),
      aContainer({ name: "alt", environment: [{ name: "PORT", value: "8080" }], portMappings: [{ containerPort: 8080 }] }),
    ],
  };
}

/** Creates security group `web`, which lets anyone in on tcp/80 (the default group admits only its own members, as in a VPC); returns its id. */
export async function anOpenWebGroup(server: BerthServer): Promise<string> {
  const group = String((await ec2(server, "create-security-group", "--group-name", "web", "--description", "web")).GroupId);
  await ec2(server, "authorize-security-group-ingress", "--group-id", group, "--protocol", "tcp", "--port", "80", "--cidr", "0.0.0.0/0");
  return group;
}

/** A detail of the task's elastic network interface (its first attachment); "" when it has none. */
export const eniDetail = (t: Task, name: string): string => t.attachments?.[0]?.details?.find((d) => d.name === name)?.value ?? "";

const lines = (s: string): string[] => s.split("\n").filter((l) => l !== "");

/**
 * Stops the cluster, then removes what the awsvpc tasks of `instanceArn` (the cluster's first agent
 * by default) may have left: their pause containers, listed once the agents are gone so that none
 * is made after the listing, and the subnet's network.
 */
export async function stopAwsvpcCluster(cluster: BerthCluster, network: string, instanceArn = cluster.agents[0]?.containerInstanceArn): Promise<void> {
  await cluster.stop();
  const pauses = lines(await docker("ps", "-aq", "--filter", "label=berth.pause-of", "--filter", `label=berth.container-instance=${instanceArn ?? "none"}`));
  if (pauses.length > 0) await docker("rm", "-f", ...pauses).catch(() => "");
  // Pause containers started ahead and claimed by a task still running when its agent stopped carry no berth.pause-of label: found on the subnet's network.
  const onNetwork = lines(await docker("ps", "-aq", "--filter", `network=${network}`));
  if (onNetwork.length > 0) await docker("rm", "-f", ...onNetwork).catch(() => "");
  const networks = lines(await docker("network", "ls", "-q", "--filter", `name=^${network}$`));
  if (networks.length > 0) await docker("network", "rm", ...networks).catch(() => "");
}
