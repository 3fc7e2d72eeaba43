import { join } from "node:path";
import { Command } from "commander";
import { bindApiPort } from "../api/api-port.js";
import { claimAgentResources } from "../agent/claims.js";
import { compileServerConfig } from "../config/server-config.js";
import { createLogger } from "../observability/logger.js";
import { agentCommand, agentConfigFrom } from "./agent-command.js";
import { logDestination, logFormatFrom } from "./log-output.js";
import { Progress } from "./progress.js";
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
  cmd.option("--log-format <format>", "pretty | json (default: pretty on a terminal, json otherwise)");
  return cmd.action(async (flags: Record<string, string | undefined>) => {
    const config = compileServerConfig(flags, process.env);
    const logger = createLogger(config.logLevel, logDestination(logFormatFrom(flags.logFormat, process.stderr.isTTY)));
    // Progress and the banner are for the person who ran the command: stdout. Logs: stderr.
    const progress = new Progress(process.stdout);
    // Server and agent share --log-level in pino's words; the agent's own level follows the logger.
    const { logLevel: _serverLevel, logFormat: _format, ...agentFlags } = flags;
    const agentDataDir = join(config.dataDir, "agent");
    // The same host is managed capacity too (domain/fargate/): a second agent, in the Fargate pool, with its own data dir and
    // ports the system picks (port 0), whatever the first agent was told.
    const fargateFlags = { ...agentFlags, capacity: "fargate", dataDir: join(config.dataDir, "agent-fargate"), introspectionPort: "0", metadataPort: "0" };
    // Everything that can be taken (the API port, the agent's data dir and ports) is claimed before
    // the heavier modules load: anything in use ends the command at once, with nothing running.
    const { port, claims, fargateClaims } = await progress.step("ports and data dir", async () => {
      const port = await bindApiPort(config, logger);
      const claims = await claimAgentResources(agentConfigFrom({ ...agentFlags, dataDir: agentDataDir }, process.env)).catch(async (err: unknown) => {
        await port.close();
        throw err;
      });
      const fargateClaims = await claimAgentResources(agentConfigFrom(fargateFlags, process.env)).catch(async (err: unknown) => {
        await claims.release();
        await port.close();
        throw err;
      });
      return { port, claims, fargateClaims };
    });
    const server = await progress.step("server (AWS APIs, registry, agent channel)", async () => {
      const { startServer } = await import("../server.js");
      return startServer(config, logger, port);
    });
    const { accessKey } = server;
    const cluster = flags.cluster ?? process.env.ECS_CLUSTER ?? "default";
    await progress.step(`cluster ${cluster}`, () => server.ensureCluster(cluster));
    const agentConfig = agentConfigFrom(
      { ...agentFlags, endpoint: server.endpoint, cluster, region: config.region, dataDir: agentDataDir },
      { ...process.env, AWS_ACCESS_KEY_ID: accessKey.accessKeyId, AWS_SECRET_ACCESS_KEY: accessKey.secretAccessKey },
    );
    // An agent that cannot start takes the server down with it: nothing stays half-started.
    const agent = await progress
      .step("agent (registers this host, adopts its containers)", async () => {
        const { startAgent } = await import("../agent/agent.js");
        return startAgent(agentConfig, logger.child({ component: "agent" }), claims);
      })
      .catch(async (err: unknown) => {
        await fargateClaims.release();
        await server.close();
        throw err;
      });
    const fargateConfig = agentConfigFrom(
      { ...fargateFlags, endpoint: server.endpoint, region: config.region },
      { ...process.env, AWS_ACCESS_KEY_ID: accessKey.accessKeyId, AWS_SECRET_ACCESS_KEY: accessKey.secretAccessKey },
    );
    const fargate = await progress
      .step("managed capacity (this host runs FARGATE tasks too)", async () => {
        const { startAgent } = await import("../agent/agent.js");
        return startAgent(fargateConfig, logger.child({ component: "agent-fargate" }), fargateClaims);
      })
      .catch(async (err: unknown) => {
        await agent.close();
        await server.close();
        throw err;
      });
    const aws = `AWS_SHARED_CREDENTIALS_FILE=${server.credentialsFile} /usr/bin/aws --endpoint-url ${server.endpoint} --region ${config.region}`;
    const clusterFlag = cluster === "default" ? "" : ` --cluster ${cluster}`;
    const rule = "─".repeat(72);
    process.stdout.write(
      [
        "",
        rule,
        `Berth is up: ${server.endpoint} (started in ${progress.elapsed()})`,
        `  credentials: ${server.credentialsFile} (profile default)`,
        `  console:     ${server.endpoint}/console (sign in with that file's aws_access_key_id and aws_secret_access_key)`,
        `  cluster:     ${cluster}, with this host as ${agent.containerInstanceArn}`,
        `  agent:       introspection API http://127.0.0.1:${agent.introspectionPort}, task metadata port ${agent.metadataPort}`,
        `  fargate:     this host is managed capacity too (${fargate.containerInstanceArn}): run-task --launch-type FARGATE`,
        "",
        "Try it:",
        `  ${aws} ecs register-task-definition --family hello --container-definitions '[{"name":"web","image":"berth-test:latest","memory":64,"portMappings":[{"containerPort":80}]}]'`,
        `  ${aws} ecs run-task${clusterFlag} --task-definition hello`,
        `  ${aws} ecs list-tasks${clusterFlag}`,
        rule,
        "",
      ].join("\n"),
    );
    await untilSignal();
    await fargate.close();
    await agent.close();
    await server.close();
  });
}
