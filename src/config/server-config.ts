import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { maxTimerMs, parseGoDuration } from "../agent/config/go-duration.js";
import { defaultUploadLimits, type UploadLimits } from "../registry/upload-limits.js";

/** How long the server waits for what, and how many clients it serves at once. */
export interface HttpLimits {
  /** A request whose headers take longer is answered 408 and its connection closed. */
  readonly headersTimeoutMs: number;
  /** An API request whose body takes longer (from its headers on) is answered 408 and closed. */
  readonly bodyTimeoutMs: number;
  /** A streaming request (a registry upload or download) that moves no byte for this long is cut. */
  readonly streamIdleTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  readonly keepAliveTimeoutMs: number;
  /** Connections beyond this many are answered 503 and closed. */
  readonly maxConnections: number;
}

/** `berth server` configuration as given (flags, then environment), before defaults. */
export interface RawServerConfig {
  readonly port?: string | undefined;
  readonly host?: string | undefined;
  readonly dataDir?: string | undefined;
  readonly store?: string | undefined;
  readonly accountId?: string | undefined;
  readonly region?: string | undefined;
  readonly logLevel?: string | undefined;
  readonly stoppedTaskRetention?: string | undefined;
  readonly registryGcInterval?: string | undefined;
  readonly registryHost?: string | undefined;
  readonly registryBlobGrace?: string | undefined;
  readonly registryMaxUploadSessions?: string | undefined;
  readonly registryMaxUploadBytes?: string | undefined;
  readonly registryUploadIdleTimeout?: string | undefined;
  readonly agentLostAfter?: string | undefined;
  readonly agentReattachGrace?: string | undefined;
  readonly taskHealthyAfter?: string | undefined;
  readonly scheduleTick?: string | undefined;
  readonly taskCredentialsLifetime?: string | undefined;
  readonly metricsRetention?: string | undefined;
  readonly metricsFlush?: string | undefined;
  readonly alarmInterval?: string | undefined;
  readonly targetTrackingPeriods?: string | undefined;
  readonly tlsCert?: string | undefined;
  readonly tlsKey?: string | undefined;
  readonly headerTimeout?: string | undefined;
  readonly requestBodyTimeout?: string | undefined;
  readonly streamIdleTimeout?: string | undefined;
  readonly keepAliveTimeout?: string | undefined;
  readonly maxConnections?: string | undefined;
  readonly refusalLogInterval?: string | undefined;
  readonly lbBindAddress?: string | undefined;
  readonly lbWorkers?: string | undefined;
}

/** PEM files of the server's certificate (with its chain) and private key. */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  /** The address load balancer listeners bind (ELBv2). */
  readonly lbBindAddress: string;
  /** Listener worker processes of the load balancer (0: listeners on the control plane's own event loop). */
  readonly lbWorkers: number;
  readonly dataDir: string;
  /** Where the state lives: SQLite files in the data directory, or a PostgreSQL database that several servers may share. */
  readonly store: StoreLocation;
  readonly accountId: string;
  readonly region: string;
  readonly logLevel: string;
  /** How long STOPPED tasks stay describable. */
  readonly stoppedTaskRetentionMs: number;
  /** How often the registry applies lifecycle policies and collects garbage. */
  readonly registryGcIntervalMs: number;
  /**
   * `host[:port]` users push to and pull from (a name in front of this server, e.g. behind a TLS
   * proxy): ECR's repositoryUri and proxyEndpoint name it. Absent: the server's own address.
   */
  readonly registryHost?: string | undefined;
  /** How long an unreferenced blob survives GC: a push uploads layers before the manifest naming them. */
  readonly registryBlobGraceMs: number;
  /** Per principal (registry token holder): open upload sessions, their bytes, and when an untouched one is abandoned. */
  readonly registryUploadLimits: UploadLimits;
  /** An agent disconnected this long is lost: its service tasks are recorded STOPPED and replaced. */
  readonly agentLostAfterMs: number;
  /** After the server starts, no agent is lost before this long: a restart is not the agents' silence. */
  readonly agentReattachGraceMs: number;
  /** A RUNNING task without container health checks counts as healthy after this long (ECS: 40 s). */
  readonly taskHealthyAfterMs: number;
  /** How often scheduled EventBridge rules are checked for due runs. */
  readonly scheduleTickMs: number;
  /** How long the credentials issued for a task's role last (agents renew them at half-life). */
  readonly taskCredentialsLifetimeMs: number;
  /** How long CloudWatch datapoints are kept (CloudWatch keeps one-minute data 15 days). */
  readonly metricsRetentionMs: number;
  /** How often the agents' container statistics, aggregated per minute in memory, are written to the store. */
  readonly metricsFlushMs: number;
  /** How often every CloudWatch alarm is evaluated (CloudWatch: each minute). */
  readonly alarmIntervalMs: number;
  /** How many one-minute periods target tracking's AlarmHigh and AlarmLow evaluate (AWS: 3 and 15; tests shorten them). */
  readonly targetTrackingPeriods: { readonly high: number; readonly low: number };
  /** Serve HTTPS (and wss:// for agents) with these files; plain HTTP when absent. */
  readonly tls: TlsFiles | undefined;
  /** Timeouts and the connection limit of the HTTP port. */
  readonly http: HttpLimits;
  /** How often refused requests are summed up in one log line. */
  readonly refusalLogIntervalMs: number;
}

export type StoreLocation = { readonly kind: "sqlite" } | { readonly kind: "postgres"; readonly url: string };

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
  const registryGcIntervalMs = duration("--registry-gc-interval", flags.registryGcInterval ?? env.BERTH_REGISTRY_GC_INTERVAL ?? "1h", "timer");
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
    registryHost: registryHost(flags.registryHost ?? env.BERTH_REGISTRY_HOST),
    registryBlobGraceMs,
    registryUploadLimits: uploadLimits(flags, env),
    agentLostAfterMs: duration("--agent-lost-after", flags.agentLostAfter ?? env.BERTH_AGENT_LOST_AFTER ?? "15s", "timer"),
    agentReattachGraceMs: duration("--agent-reattach-grace", flags.agentReattachGrace ?? env.BERTH_AGENT_REATTACH_GRACE ?? "60s", "timer"),
    taskHealthyAfterMs: duration("--task-healthy-after", flags.taskHealthyAfter ?? env.BERTH_TASK_HEALTHY_AFTER ?? "40s", "timer"),
    scheduleTickMs: duration("--schedule-tick", flags.scheduleTick ?? env.BERTH_SCHEDULE_TICK ?? "1s", "timer"),
    taskCredentialsLifetimeMs: taskCredentialsLifetime(flags.taskCredentialsLifetime ?? env.BERTH_TASK_CREDENTIALS_LIFETIME ?? "1h"),
    metricsRetentionMs: positiveDuration("--metrics-retention", flags.metricsRetention ?? env.BERTH_METRICS_RETENTION ?? "360h"),
    metricsFlushMs: positiveDuration("--metrics-flush", flags.metricsFlush ?? env.BERTH_METRICS_FLUSH ?? "10s", "timer"),
    alarmIntervalMs: positiveDuration("--alarm-interval", flags.alarmInterval ?? env.BERTH_ALARM_INTERVAL ?? "60s", "timer"),
    targetTrackingPeriods: trackingPeriods(flags.targetTrackingPeriods ?? env.BERTH_TARGET_TRACKING_PERIODS ?? "3,15"),
    http: {
      headersTimeoutMs: positiveDuration("--header-timeout", flags.headerTimeout ?? env.BERTH_HEADER_TIMEOUT ?? "10s", "timer"),
      bodyTimeoutMs: positiveDuration("--request-body-timeout", flags.requestBodyTimeout ?? env.BERTH_REQUEST_BODY_TIMEOUT ?? "30s", "timer"),
      streamIdleTimeoutMs: positiveDuration("--stream-idle-timeout", flags.streamIdleTimeout ?? env.BERTH_STREAM_IDLE_TIMEOUT ?? "60s", "timer"),
      keepAliveTimeoutMs: positiveDuration("--keep-alive-timeout", flags.keepAliveTimeout ?? env.BERTH_KEEP_ALIVE_TIMEOUT ?? "5s", "timer"),
      maxConnections: count("--max-connections", flags.maxConnections ?? env.BERTH_MAX_CONNECTIONS ?? "4096"),
    },
    refusalLogIntervalMs: positiveDuration("--refusal-log-interval", flags.refusalLogInterval ?? env.BERTH_REFUSAL_LOG_INTERVAL ?? "1m", "timer"),
    port,
    host: flags.host ?? env.BERTH_HOST ?? "127.0.0.1",
    lbBindAddress: flags.lbBindAddress ?? env.BERTH_LB_BIND_ADDRESS ?? "127.0.0.1",
    lbWorkers: lbWorkers(flags.lbWorkers ?? env.BERTH_LB_WORKERS),
    dataDir: dataDirOf(flags.dataDir, env),
    store: storeLocation(flags.store ?? env.BERTH_STORE ?? "sqlite"),
    accountId,
    region,
    logLevel,
  };
}

/** `--data-dir` (`BERTH_DATA_DIR`), absolute. */
export const dataDirOf = (flag: string | undefined, env: NodeJS.ProcessEnv): string => resolve(flag ?? env.BERTH_DATA_DIR ?? ".berth");

/** `sqlite`, or a PostgreSQL connection string (never quoted back: it may hold a password). */
export function storeLocation(text: string): StoreLocation {
  if (text === "sqlite") return { kind: "sqlite" };
  if (/^postgres(ql)?:\/\//.test(text)) return { kind: "postgres", url: text };
  throw new Error("--store (BERTH_STORE) must be sqlite or a connection string that starts with postgres:// or postgresql://.");
}

/** `use` "timer": the server waits that long with a timer, so it is refused beyond what a timer can wait. */
function duration(flag: string, text: string, use: "timer" | "compared" = "compared"): number {
  const ms = parseGoDuration(text);
  if (ms === undefined) throw new Error(`${flag} must be a duration such as 1h or 30s; got '${text}'.`);
  if (use === "timer" && ms > maxTimerMs) throw new Error(`${flag} must be at most 596h (the longest wait a Node.js timer can set); got '${text}'.`);
  return ms;
}

function uploadLimits(flags: RawServerConfig, env: NodeJS.ProcessEnv): UploadLimits {
  const d = defaultUploadLimits;
  const sessionsText = flags.registryMaxUploadSessions ?? env.BERTH_REGISTRY_MAX_UPLOAD_SESSIONS ?? String(d.maxSessionsPerPrincipal);
  const maxSessionsPerPrincipal = Number(sessionsText);
  if (!/^\d+$/.test(sessionsText.trim()) || maxSessionsPerPrincipal < 1) {
    throw new Error(`--registry-max-upload-sessions must be a whole number of at least 1; got '${sessionsText}'.`);
  }
  const bytesText = flags.registryMaxUploadBytes ?? env.BERTH_REGISTRY_MAX_UPLOAD_BYTES ?? "16GiB";
  const maxBytesPerPrincipal = byteSize(bytesText);
  if (maxBytesPerPrincipal === undefined || maxBytesPerPrincipal < 1) {
    throw new Error(`--registry-max-upload-bytes must be a size such as 16GiB, 500MiB or 1048576; got '${bytesText}'.`);
  }
  const idleTimeoutMs = duration("--registry-upload-idle-timeout", flags.registryUploadIdleTimeout ?? env.BERTH_REGISTRY_UPLOAD_IDLE_TIMEOUT ?? "30m");
  if (idleTimeoutMs < 1000) throw new Error("--registry-upload-idle-timeout must be at least 1s.");
  return { maxSessionsPerPrincipal, maxBytesPerPrincipal, idleTimeoutMs };
}

const byteUnits: Readonly<Record<string, number>> = { "": 1, B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 };

/** `16GiB`, `500MB`, `1048576`: bytes, or undefined when not a size. */
function byteSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/.exec(text.trim());
  const unit = m === null ? undefined : byteUnits[m[2]!];
  if (m === null || unit === undefined) return undefined;
  const bytes = Math.floor(Number(m[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

function positiveDuration(flag: string, text: string, use: "timer" | "compared" = "compared"): number {
  const ms = duration(flag, text, use);
  if (ms < 1) throw new Error(`${flag} must be above 0; got '${text}'.`);
  return ms;
}

/**
 * `--lb-workers`: 0 to 64. By default one core is left to the control plane and the tasks on the
 * same host: 1 worker on 2 cores, 2 from 3 cores (bench/RESULTS.md: on 2 shared cores, 2 workers
 * served fewer requests/s than 1).
 */
function lbWorkers(text: string | undefined): number {
  if (text === undefined) return Math.max(1, Math.min(2, availableParallelism() - 1));
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 64) throw new Error(`--lb-workers must be a whole number from 0 to 64; got '${text}'.`);
  return n;
}

function count(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1) throw new Error(`${flag} must be a whole number above 0; got '${text}'.`);
  return n;
}

/** A task credentials lifetime: long enough for an agent to renew them at half-life (5 s), at most STS's 12 h. */
function taskCredentialsLifetime(text: string): number {
  const ms = duration("--task-credentials-lifetime", text);
  if (ms < 10_000 || ms > 12 * 3_600_000) throw new Error(`--task-credentials-lifetime must be between 10s and 12h; got '${text}'.`);
  return ms;
}

/** `--registry-host`: a host name or address with an optional port, as Docker names a registry (no scheme, no path). */
function registryHost(text: string | undefined): string | undefined {
  if (text === undefined || text === "") return undefined;
  const host = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/.exec(text);
  const port = host?.[1] === undefined ? undefined : Number(host[1]);
  if (!host || text.length > 253 || (port !== undefined && (port < 1 || port > 65535))) {
    throw new Error(`--registry-host must be a host name or address with an optional port, such as registry.example.com or 10.0.0.5:4400 (no scheme or path); got '${text.slice(0, 80)}'.`);
  }
  return text;
}

/** `<high>,<low>`: the evaluation periods of target tracking's AlarmHigh and AlarmLow, each 1 to 60. */
function trackingPeriods(text: string): { high: number; low: number } {
  const m = /^(\d{1,2}),(\d{1,2})$/.exec(text.trim());
  const [high, low] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  if (high < 1 || low < 1 || high > 60 || low > 60) throw new Error(`--target-tracking-periods must be <high>,<low>, two counts of one-minute periods from 1 to 60 (default 3,15); got '${text}'.`);
  return { high, low };
}
