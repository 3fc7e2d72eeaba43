/**
 * One SIMULATED agent in a process of its own, for tests and benchmarks that freeze an agent
 * (SIGSTOP) the way a hung host would: the connection stays open, nothing more is sent or read.
 * Configured by environment (BERTH_ENDPOINT, BERTH_CREDENTIALS, BERTH_CLUSTER, BERTH_CPU,
 * BERTH_MEMORY, BERTH_ZONE); prints `instance <arn>` once connected; stops on SIGTERM.
 */
import { readFileSync } from "node:fs";
import { pino } from "pino";
import { parseCredentialsFile } from "../../auth/credentials-file.js";
import { zoneAttribute } from "../../scheduler/types.js";
import { SimulatedAgent } from "./simulated-agent.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const credentials = parseCredentialsFile(readFileSync(env("BERTH_CREDENTIALS"), "utf8"));
if (!credentials) throw new Error("BERTH_CREDENTIALS holds no access key");
const agent = new SimulatedAgent({
  endpoint: env("BERTH_ENDPOINT"),
  region: "us-east-1",
  credentials,
  identity: "own",
  cluster: env("BERTH_CLUSTER"),
  cpu: Number(env("BERTH_CPU")),
  memory: Number(env("BERTH_MEMORY")),
  attributes: process.env.BERTH_ZONE ? [{ name: zoneAttribute, value: process.env.BERTH_ZONE }] : [],
  logger: pino({ level: "silent" }),
});
await agent.start();
process.stdout.write(`instance ${agent.containerInstanceArn}\n`);
process.once("SIGTERM", () => {
  agent.stop();
  process.exit(0);
});
