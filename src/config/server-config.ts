import { resolve } from "node:path";
import { parseGoDuration } from "../agent/config/go-duration.js";

/** `berth server` configuration as given (flags, then environment), before defaults. */
export interface RawServerConfig {
  readonly port?: string | undefined;
  readonly host?: string | undefined;
  readonly dataDir?: string | undefined;
  readonly accountId?: string | undefined;
  readonly region?: string | undefined;
  readonly logLevel?: string | undefined;
  readonly stoppedTaskRetention?: string | undefined;
  readonly registryGcInterval?: string | undefined;
  readonly registryBlobGrace?: string | undefined;
  readonly agentLostAfter?: string | undefined;
  readonly taskHealthyAfter?: string | undefined;
  readonly tlsCert?: string | undefined;
  readonly tlsKey?: string | undefined;
}

/** PEM files of the server's certificate (with its chain) and private key. */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly accountId: string;
  readonly region: string;
  readonly logLevel: string;
  /** How long STOPPED tasks stay describable. */
  readonly stoppedTaskRetentionMs: number;
  /** How often the registry applies lifecycle policies and collects garbage. */
  readonly registryGcIntervalMs: number;
  /** How long an unreferenced blob survives GC: a push uploads layers before the manifest naming them. */
  readonly registryBlobGraceMs: number;
  /** An agent disconnected this long is lost: its service tasks are recorded STOPPED and replaced. */
  readonly agentLostAfterMs: number;
  /** A RUNNING task without container health checks counts as healthy after this long (ECS: 40 s). */
  readonly taskHealthyAfterMs: number;
  /** Serve HTTPS (and wss:// for agents) with these files; plain HTTP when absent. */
  readonly tls: TlsFiles | undefined;
}

/** Berth's API port: 4566 belongs to other emulators. */
export const defaultPort = 4400;

/** Compiles flags and the environment (`BERTH_*`) into a checked configuration; throws naming the bad value. */
export function compileServerConfig(flags: RawServerConfig, env: NodeJS.ProcessEnv): ServerConfig {
  const port = Number(flags.port ?? env.BERTH_PORT ?? defaultPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a TCP port number; got '${flags.port}'.`);
  const accountId = flags.accountId ?? env.BERTH_ACCOUNT_ID ?? "000000000000";
  if (!/^\d{12}$/.test(accountId)) throw new Error(`The account id must be 12 digits (--account-id or BERTH_ACCOUNT_ID); got '${accountId}'.`);
  const region = flags.region ?? env.BERTH_REGION ?? "us-east-1";
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new Error(`The region must look like us-east-1 (--region or BERTH_REGION); got '${region}'.`);
  const logLevel = flags.logLevel ?? env.BERTH_LOG_LEVEL ?? "info";
  if (!["fatal", "error", "warn", "info", "debug", "trace", "silent"].includes(logLevel)) {
    throw new Error(`--log-level must be one of fatal, error, warn, info, debug, trace, silent; got '${logLevel}'.`);
  }
  const retentionText = flags.stoppedTaskRetention ?? env.BERTH_STOPPED_TASK_RETENTION ?? "168h";
  const stoppedTaskRetentionMs = parseGoDuration(retentionText);
  if (stoppedTaskRetentionMs === undefined) {
    throw new Error(`--stopped-task-retention must be a duration such as 168h or 30m; got '${retentionText}'.`);
  }
  const registryGcIntervalMs = duration("--registry-gc-interval", flags.registryGcInterval ?? env.BERTH_REGISTRY_GC_INTERVAL ?? "1h");
  if (registryGcIntervalMs < 100) throw new Error("--registry-gc-interval must be at least 100ms.");
  const registryBlobGraceMs = duration("--registry-blob-grace", flags.registryBlobGrace ?? env.BERTH_REGISTRY_BLOB_GRACE ?? "1h");
  const tlsCert = flags.tlsCert ?? env.BERTH_TLS_CERT;
  const tlsKey = flags.tlsKey ?? env.BERTH_TLS_KEY;
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    throw new Error("--tls-cert and --tls-key (BERTH_TLS_CERT, BERTH_TLS_KEY) go together: give both files or neither.");
  }
  return {
    tls: tlsCert && tlsKey ? { certFile: resolve(tlsCert), keyFile: resolve(tlsKey) } : undefined,
    stoppedTaskRetentionMs,
    registryGcIntervalMs,
    registryBlobGraceMs,
    agentLostAfterMs: duration("--agent-lost-after", flags.agentLostAfter ?? env.BERTH_AGENT_LOST_AFTER ?? "15s"),
    taskHealthyAfterMs: duration("--task-healthy-after", flags.taskHealthyAfter ?? env.BERTH_TASK_HEALTHY_AFTER ?? "40s"),
    port,
    host: flags.host ?? env.BERTH_HOST ?? "127.0.0.1",
    dataDir: resolve(flags.dataDir ?? env.BERTH_DATA_DIR ?? ".berth"),
    accountId,
    region,
    logLevel,
  };
}

function duration(flag: string, text: string): number {
  const ms = parseGoDuration(text);
  if (ms === undefined) throw new Error(`${flag} must be a duration such as 1h or 30s; got '${text}'.`);
  return ms;
}
