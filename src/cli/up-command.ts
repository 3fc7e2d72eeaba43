import { join } from "node:path";
import { Command } from "commander";
import { pino } from "pino";
import { startAgent } from "../agent/agent.js";
import { compileServerConfig } from "../config/server-config.js";
import { startServer } from "../server.js";
import { agentCommand, agentConfigFrom } from "./agent-command.js";
import { serverCommand } from "./server-command.js";
import { untilSignal } from "./signals.js";

/** Agent flags `berth up` decides itself: the endpoint is its own server's, and nothing is only printed. */
const decidedByUp = new Set(["--endpoint", "--print-config"]);

/**
 * `berth up`: the control plane and one local agent in one process, cluster `default` ready. It
 * takes every flag of `berth server` and of `berth agent` (taken from those commands, so they never
 * drift apart); where both have one (`--data-dir`, `--log-level`, `--region`) the server's meaning
 * holds and the agent follows it (its state in `<data-dir>/agent`).
 */
export function upCommand(): Command {
  const cmd = new Command("up").description("run Berth on this machine: server, a local agent and cluster 'default'");
  const taken = new Set<string>();
  for (const option of [...serverCommand().options, ...agentCommand().options]) {
    if (option.long === undefined || taken.has(option.long) || decidedByUp.has(option.long)) continue;
    taken.add(option.long);
    cmd.addOption(option);
  }
  return cmd.action(async (flags: Record<string, string | undefined>) => {
    const config = compileServerConfig(flags, process.env);
    const logger = pino({ level: config.logLevel }, pino.destination(2));
    const server = await startServer(config, logger);
    const { accessKey } = server;
    const cluster = flags.cluster ?? process.env.ECS_CLUSTER ?? "default";
    await server.ensureCluster(cluster);
    // Server and agent share --log-level in pino's words; the agent's own level follows the logger.
    const { logLevel: _serverLevel, ...agentFlags } = flags;
    const agentConfig = agentConfigFrom(
      { ...agentFlags, endpoint: server.endpoint, cluster, region: config.region, dataDir: join(config.dataDir, "agent") },
      { ...process.env, AWS_ACCESS_KEY_ID: accessKey.accessKeyId, AWS_SECRET_ACCESS_KEY: accessKey.secretAccessKey },
    );
    const agent = await startAgent(agentConfig, logger.child({ component: "agent" }));
    const aws = `AWS_SHARED_CREDENTIALS_FILE=${server.credentialsFile} /usr/bin/aws --endpoint-url ${server.endpoint} --region ${config.region}`;
    const clusterFlag = cluster === "default" ? "" : ` --cluster ${cluster}`;
    process.stdout.write(
      [
        `Berth is up: ${server.endpoint}`,
        `  credentials: ${server.credentialsFile} (profile default)`,
        `  cluster:     ${cluster}, with this host as ${agent.containerInstanceArn}`,
        `  agent:       introspection API http://127.0.0.1:${agent.introspectionPort}, task metadata port ${agent.metadataPort}`,
        "",
        "Try it:",
        `  ${aws} ecs register-task-definition --family hello --container-definitions '[{"name":"web","image":"berth-test:latest","memory":64,"portMappings":[{"containerPort":80}]}]'`,
        `  ${aws} ecs run-task${clusterFlag} --task-definition hello`,
        `  ${aws} ecs list-tasks${clusterFlag}`,
        "",
      ].join("\n"),
    );
    await untilSignal();
    await agent.close();
    await server.close();
  });
}
