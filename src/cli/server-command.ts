import { Command } from "commander";
import { compileServerConfig, defaultPort } from "../config/server-config.js";
import { bindApiPort } from "../api/api-port.js";
import { createLogger } from "../observability/logger.js";
import { untilSignal } from "./signals.js";

export function serverCommand(): Command {
  return new Command("server")
    .description("run the control plane: every AWS-protocol API on one port")
    .option("--port <n>", `TCP port (env BERTH_PORT; default ${defaultPort})`)
    .option("--host <address>", "address to listen on (env BERTH_HOST; default 127.0.0.1)")
    .option("--lb-bind-address <address>", "address load balancer listeners bind (env BERTH_LB_BIND_ADDRESS; default 127.0.0.1)")
    .option("--lb-workers <n>", "processes that serve load balancer listeners, off the control plane's event loop; 0 serves them in the server's own (env BERTH_LB_WORKERS; default 1 on 2 cores, 2 from 3 cores)")
    .option("--data-dir <dir>", "state and credentials directory (env BERTH_DATA_DIR; default ./.berth)")
    .option("--store <where>", "sqlite (files in --data-dir), or a postgres://user:password@host/database URL that several servers share: any of them serves, one leads (env BERTH_STORE; default sqlite)")
    .option("--account-id <id>", "12-digit account id in ARNs (env BERTH_ACCOUNT_ID; default 000000000000)")
    .option("--region <region>", "region in ARNs and signatures (env BERTH_REGION; default us-east-1)")
    .option("--log-level <level>", "fatal|error|warn|info|debug|trace|silent (env BERTH_LOG_LEVEL; default info)")
    .option("--stopped-task-retention <duration>", "how long stopped tasks stay describable (env BERTH_STOPPED_TASK_RETENTION; default 168h)")
    .option("--registry-host <host[:port]>", "the registry's address as users push to it, named by ECR's repositoryUri and proxyEndpoint (env BERTH_REGISTRY_HOST; default the server's own address)")
    .option("--registry-gc-interval <duration>", "how often the registry applies lifecycle policies and collects garbage (env BERTH_REGISTRY_GC_INTERVAL; default 1h)")
    .option("--registry-blob-grace <duration>", "how long an unreferenced blob survives garbage collection (env BERTH_REGISTRY_BLOB_GRACE; default 1h)")
    .option("--registry-max-upload-sessions <n>", "open upload sessions one registry token holder may have (env BERTH_REGISTRY_MAX_UPLOAD_SESSIONS; default 100)")
    .option("--registry-max-upload-bytes <size>", "bytes the open upload sessions of one registry token holder may hold, e.g. 16GiB (env BERTH_REGISTRY_MAX_UPLOAD_BYTES; default 16GiB)")
    .option("--registry-upload-idle-timeout <duration>", "an upload session untouched this long is abandoned and its data removed (env BERTH_REGISTRY_UPLOAD_IDLE_TIMEOUT; default 30m)")
    .option("--agent-lost-after <duration>", "an agent disconnected this long is lost: its service tasks are replaced (env BERTH_AGENT_LOST_AFTER; default 15s)")
    .option("--agent-reattach-grace <duration>", "after the server starts, no agent is lost before this long, so that every agent can come back first (env BERTH_AGENT_REATTACH_GRACE; default 60s)")
    .option("--task-healthy-after <duration>", "a RUNNING task without health checks counts as healthy after this (env BERTH_TASK_HEALTHY_AFTER; default 40s, as ECS)")
    .option("--task-credentials-lifetime <duration>", "how long the credentials of a task's role (or execution role) last; agents renew them at half-life (env BERTH_TASK_CREDENTIALS_LIFETIME; default 1h)")
    .option("--schedule-tick <duration>", "how often scheduled EventBridge rules are checked for due runs (env BERTH_SCHEDULE_TICK; default 1s)")
    .option("--metrics-retention <duration>", "how long CloudWatch datapoints are kept (env BERTH_METRICS_RETENTION; default 360h, 15 days, as CloudWatch keeps one-minute data)")
    .option("--metrics-flush <duration>", "how often container statistics, aggregated per minute, are written to the store (env BERTH_METRICS_FLUSH; default 10s)")
    .option("--alarm-interval <duration>", "how often every CloudWatch alarm is evaluated (env BERTH_ALARM_INTERVAL; default 60s, as CloudWatch)")
    .option("--target-tracking-periods <high,low>", "one-minute periods evaluated by target tracking's AlarmHigh and AlarmLow (env BERTH_TARGET_TRACKING_PERIODS; default 3,15, as AWS)")
    .option("--tls-cert <file>", "PEM certificate (with its chain): serve HTTPS, wss:// for agents and the registry over TLS (env BERTH_TLS_CERT)")
    .option("--tls-key <file>", "PEM private key of --tls-cert (env BERTH_TLS_KEY)")
    .option("--header-timeout <duration>", "a request whose headers take longer gets 408 and is closed (env BERTH_HEADER_TIMEOUT; default 10s)")
    .option("--request-body-timeout <duration>", "an API request whose body takes longer gets 408 and is closed (env BERTH_REQUEST_BODY_TIMEOUT; default 30s)")
    .option("--stream-idle-timeout <duration>", "a registry upload or download that moves no byte for this long is cut (env BERTH_STREAM_IDLE_TIMEOUT; default 60s)")
    .option("--keep-alive-timeout <duration>", "an idle keep-alive connection is closed after this (env BERTH_KEEP_ALIVE_TIMEOUT; default 5s)")
    .option("--max-connections <n>", "connections beyond this many get 503 and are closed (env BERTH_MAX_CONNECTIONS; default 4096; every agent holds one)")
    .option("--refusal-log-interval <duration>", "refused requests are counted and logged as one line per interval (env BERTH_REFUSAL_LOG_INTERVAL; default 1m)")
    .action(async (flags: Record<string, string | undefined>) => {
      const config = compileServerConfig(flags, process.env);
      const logger = createLogger(config.logLevel);
      // The port first, then the (heavier) control plane: a port in use ends the command at once.
      const port = await bindApiPort(config, logger);
      const { startServer } = await import("../server.js");
      const server = await startServer(config, logger, port);
      process.stdout.write(`berth server ${server.endpoint} (credentials: ${server.credentialsFile})\n`);
      await untilSignal();
      await server.close();
    });
}
