import type { Attribute } from "@aws-sdk/client-ecs";
import { pino } from "pino";
import { SimulatedAgent } from "../../src/agent/simulated/simulated-agent.js";
import type { BerthServer } from "./berth-server.js";

/**
 * Starts SIMULATED agents (real protocol, no containers) against a running server. Like real agents,
 * each registers with the operator's (root) key and then speaks with its own credential.
 */
export async function startSimulatedAgents(
  server: BerthServer,
  cluster: string,
  specs: readonly { cpu: number; memory: number; attributes?: Attribute[] }[],
  region = "us-east-1",
): Promise<SimulatedAgent[]> {
  const logger = pino({ level: "silent" });
  const agents = specs.map(
    (s) => new SimulatedAgent({ endpoint: server.endpoint, region, credentials: server.accessKey, cluster, logger, identity: "own", ...s }),
  );
  await Promise.all(agents.map((a) => a.start()));
  return agents;
}
