import { Command } from "commander";
import { pino } from "pino";
import { compileServerConfig, defaultPort } from "../config/server-config.js";
import { startServer } from "../server.js";
import { untilSignal } from "./signals.js";

export function serverCommand(): Command {
  return new Command("server")
    .description("run the control plane: every AWS-protocol API on one port")
    .option("--port <n>", `TCP port (env BERTH_PORT; default ${defaultPort})`)
    .option("--host <address>", "address to listen on (env BERTH_HOST; default 127.0.0.1)")
    .option("--data-dir <dir>", "state and credentials directory (env BERTH_DATA_DIR; default ./.berth)")
    .option("--account-id <id>", "12-digit account id in ARNs (env BERTH_ACCOUNT_ID; default 000000000000)")
    .option("--region <region>", "region in ARNs and signatures (env BERTH_REGION; default us-east-1)")
    .option("--log-level <level>", "fatal|error|warn|info|debug|trace|silent (env BERTH_LOG_LEVEL; default info)")
    .option("--stopped-task-retention <duration>", "how long stopped tasks stay describable (env BERTH_STOPPED_TASK_RETENTION; default 168h)")
    .option("--registry-gc-interval <duration>", "how often the registry applies lifecycle policies and collects garbage (env BERTH_REGISTRY_GC_INTERVAL; default 1h)")
    .option("--registry-blob-grace <duration>", "how long an unreferenced blob survives garbage collection (env BERTH_REGISTRY_BLOB_GRACE; default 1h)")
    .option("--agent-lost-after <duration>", "an agent disconnected this long is lost: its service tasks are replaced (env BERTH_AGENT_LOST_AFTER; default 15s)")
    .option("--task-healthy-after <duration>", "a RUNNING task without health checks counts as healthy after this (env BERTH_TASK_HEALTHY_AFTER; default 40s, as ECS)")
    .option("--tls-cert <file>", "PEM certificate (with its chain): serve HTTPS, wss:// for agents and the registry over TLS (env BERTH_TLS_CERT)")
    .option("--tls-key <file>", "PEM private key of --tls-cert (env BERTH_TLS_KEY)")
    .action(async (flags: Record<string, string | undefined>) => {
      const config = compileServerConfig(flags, process.env);
      const logger = pino({ level: config.logLevel }, pino.destination(2));
      const server = await startServer(config, logger);
      process.stdout.write(`berth server ${server.endpoint} (credentials: ${server.credentialsFile})\n`);
      await untilSignal();
      await server.close();
    });
}
