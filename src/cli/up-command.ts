import { join } from "node:path";
import { Command } from "commander";
import { bindApiPort } from "../api/api-port.js";
import { claimAgentResources } from "../agent/claims.js";
import { compileServerConfig, defaultPort } from "../config/server-config.js";
import { agentConfigFrom } from "./agent-command.js";
import { createLogger } from "../observability/logger.js";
import { untilSignal } from "./signals.js";

/** `berth up`: the control plane and one local agent in one process, cluster `default` ready. */
export function upCommand(): Command {
  return new Command("up")
    .description("run Berth on this machine: server, a local agent and cluster 'default'")
    .option("--port <n>", `API port (default ${defaultPort})`)
    .option("--data-dir <dir>", "state directory (default ./.berth)")
    .option("--log-level <level>", "fatal|error|warn|info|debug|trace|silent (default info)")
    .action(async (flags: Record<string, string | undefined>) => {
      const config = compileServerConfig(flags, process.env);
      const logger = createLogger(config.logLevel);
      // Everything that can be taken (the API port, the agent's data dir and ports) is claimed before
      // the heavier modules load: anything in use ends the command at once, with nothing running.
      const port = await bindApiPort(config, logger);
      const agentDataDir = join(config.dataDir, "agent");
      const claims = await claimAgentResources(agentConfigFrom({ dataDir: agentDataDir }, process.env)).catch(async (err: unknown) => {
        await port.close();
        throw err;
      });
      const [{ startServer }, { startAgent }] = await Promise.all([import("../server.js"), import("../agent/agent.js")]);
      const server = await startServer(config, logger, port);
      const { accessKey } = server;
      await server.ensureCluster("default");
      const agentConfig = agentConfigFrom(
        { endpoint: server.endpoint, cluster: "default", region: config.region, dataDir: agentDataDir },
        { ...process.env, AWS_ACCESS_KEY_ID: accessKey.accessKeyId, AWS_SECRET_ACCESS_KEY: accessKey.secretAccessKey },
      );
      // An agent that cannot start (a port in use, its data dir locked) takes the server down with it.
      const agent = await startAgent(agentConfig, logger.child({ component: "agent" }), claims).catch(async (err: unknown) => {
        await server.close();
        throw err;
      });
      const aws = `AWS_SHARED_CREDENTIALS_FILE=${server.credentialsFile} /usr/bin/aws --endpoint-url ${server.endpoint} --region ${config.region}`;
      process.stdout.write(
        [
          `Berth is up: ${server.endpoint}`,
          `  credentials: ${server.credentialsFile} (profile default)`,
          `  cluster:     default, with this host as ${agent.containerInstanceArn}`,
          "",
          "Try it:",
          `  ${aws} ecs register-task-definition --family hello --container-definitions '[{"name":"web","image":"berth-test:latest","memory":64,"portMappings":[{"containerPort":80}]}]'`,
          `  ${aws} ecs run-task --task-definition hello`,
          `  ${aws} ecs list-tasks`,
          "",
        ].join("\n"),
      );
      await untilSignal();
      await agent.close();
      await server.close();
    });
}
