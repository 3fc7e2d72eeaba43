import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { Command } from "commander";
import type { RunningAgent } from "../agent/agent.js";
import { claimAgentResources } from "../agent/claims.js";
import { describeAgentConfig, loadAgentConfig, parseIpLocalPortRange, type AgentConfig } from "../agent/config/agent-config.js";
import { describeCredentialSource } from "../agent/config/credential-source.js";
import { agentVariables, variableNames } from "../agent/config/variables.js";
import { createLogger } from "../observability/logger.js";
import { untilSignal } from "./signals.js";

const defaultConfigFile = "/etc/ecs/ecs.config";

/** Loads the agent's configuration the way the ECS agent does: flags > environment > ecs.config file > defaults. */
export function agentConfigFrom(flags: Readonly<Record<string, string | undefined>>, env: NodeJS.ProcessEnv): AgentConfig {
  const fileName = flags.config ?? (existsSync(defaultConfigFile) ? defaultConfigFile : undefined);
  const byVariable = Object.fromEntries(
    variableNames.flatMap((name) => {
      const flag = agentVariables[name].flag;
      const value = flag === undefined ? undefined : flags[camel(flag)];
      return value === undefined ? [] : [[name, value]];
    }),
  );
  const ports = existsSync("/proc/sys/net/ipv4/ip_local_port_range") ? readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8") : "";
  return loadAgentConfig({
    flags: byVariable,
    env,
    fileText: fileName === undefined ? undefined : readFileSync(fileName, "utf8"),
    fileName,
    ephemeralPortRange: parseIpLocalPortRange(ports),
  });
}

const readIfPresent = (path: string): string | undefined => (existsSync(path) ? readFileSync(path, "utf8") : undefined);

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const pinoLevel = { crit: "fatal", error: "error", warn: "warn", info: "info", debug: "debug" } as const;

export function agentCommand(): Command {
  const cmd = new Command("agent")
    .description("run the Berth agent: register this host as a container instance and run its tasks on Docker")
    .option("--config <file>", `ecs.config-format file (default ${defaultConfigFile} when present)`)
    .option("--print-config", "print the configuration and where each value came from, then exit");
  for (const name of variableNames) {
    const v = agentVariables[name];
    if (v.flag) cmd.option(`--${v.flag} <value>`, `${v.help} (${name})`);
  }
  return cmd.action(async (flags: Record<string, string | undefined>) => {
    const agent = await configureAndStart(flags);
    if (!agent) return;
    process.stdout.write(`berth agent ${agent.containerInstanceArn}\n  introspection API http://127.0.0.1:${agent.introspectionPort}, task metadata port ${agent.metadataPort}\n`);
    await untilSignal();
    await agent.close();
  });
}

/** Starts the agent; the configuration (and the operator's credential in it) ends with this call. */
async function configureAndStart(flags: Record<string, string | undefined>): Promise<RunningAgent | undefined> {
  const config = agentConfigFrom(flags, process.env);
  if (flags.printConfig) {
    const credentials = describeCredentialSource(config, { env: process.env, homeDir: homedir(), readFile: readIfPresent });
    process.stdout.write(`${[...describeAgentConfig(config), credentials].join("\n")}\n`);
    return undefined;
  }
  const logger = createLogger(pinoLevel[config.logLevel]);
  // The data dir and ports first, then the (heavier) agent: either taken ends the command at once.
  const claims = await claimAgentResources(config);
  const { startAgent } = await import("../agent/agent.js");
  return startAgent(config, logger, claims);
}
