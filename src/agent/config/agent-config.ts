/**
 * The agent's configuration, compiled in stages as the ECS agent layers it:
 *
 *   1. layer   — flags > environment > ecs.config file: one raw string per variable, with its source;
 *   2. parse   — each string by its variable's syntax, units normalised (`…Ms`, `…MiB`), defaults filled;
 *   3. compile — cross-variable rules, secrets wrapped, the result frozen.
 *
 * Every stage is pure: the environment, the file's text and host facts are arguments. An empty
 * value counts as unset, as in the ECS agent (Go's os.Getenv cannot tell them apart).
 */
import type { ImagePullBehavior } from "../docker/pull-policy.js";
import { AgentConfigError } from "./config-error.js";
import { parseEcsConfigFile } from "./ecs-config-file.js";
import { Secret } from "./secret.js";
import type { PortRange } from "./value-parsers.js";
import { agentVariables, isVariableName, variableNames, type AgentCapacity, type LogLevel, type Variable, type VariableName } from "./variables.js";
import { fargatePoolCluster } from "../../domain/fargate/pool.js";

export type ConfigSource = "flag" | "environment" | "file" | "default";

export interface ConfigInputs {
  /** Values from the command line, keyed by variable name (see `agentVariables[…].flag`). */
  readonly flags?: Readonly<Record<string, string | undefined>>;
  /** The process environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The text of an ecs.config-format file, when there is one. */
  readonly fileText?: string;
  readonly fileName?: string;
  /** The host's ephemeral port range (`/proc/sys/net/ipv4/ip_local_port_range`), see {@link parseIpLocalPortRange}. */
  readonly ephemeralPortRange?: PortRange;
}

/** Stage 1: the string each variable got, and from where. */
export interface RawConfig {
  readonly values: ReadonlyMap<VariableName, { readonly text: string; readonly source: Exclude<ConfigSource, "default"> }>;
  /** `ECS_…` / `BERTH_…` names set in the environment or file that this agent does not know (worth a warning). */
  readonly unrecognized: readonly string[];
}

/** One line of {@link describeAgentConfig}. */
export interface ConfigSetting {
  readonly variable: VariableName;
  /** The value as printed: `[redacted]` for secrets, `(unset)` when absent. */
  readonly display: string;
  readonly source: ConfigSource;
}

export interface AgentConfig {
  readonly cluster: string;
  /** ECS_BACKEND_HOST: the control plane's URL, or its replicas' (agent/endpoints.ts); empty when unset. */
  readonly endpoints: readonly string[];
  readonly region: string | undefined;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: Secret; readonly sessionToken: Secret | undefined } | undefined;
  /** `ecs.availability-zone`: BERTH_AVAILABILITY_ZONE, else the region's zone "a" (e.g. us-east-1a), so spread by zone has a value. */
  readonly availabilityZone: string;
  /** PEM file of the CAs to trust for an https:// endpoint; undefined: the system's. */
  readonly caBundle: string | undefined;
  /** Where tasks' host ports are published (Docker's HostIp, ECS's bindIP); 0.0.0.0 is every address. */
  readonly hostIp: string;
  /** awsvpc tasks: the pause container's image, and its command when the image's own will not do. */
  readonly pauseImage: string;
  /** BERTH_CAPACITY: with fargate, `cluster` is the managed pool's, whatever ECS_CLUSTER says. */
  readonly capacity: AgentCapacity;
  readonly pauseCommand: string | undefined;
  /** BERTH_PAUSE_POOL_SIZE: pause containers started ahead per recently used subnet (agent/pause-pool.ts). */
  readonly pausePoolSize: number;
  readonly reservedMemoryMiB: number;
  readonly reservedPorts: readonly number[];
  readonly reservedPortsUdp: readonly number[];
  readonly dynamicHostPortRange: PortRange;
  readonly instanceAttributes: Readonly<Record<string, string>>;
  readonly containerInstanceTags: Readonly<Record<string, string>>;
  readonly containerStopTimeoutMs: number;
  readonly containerStartTimeoutMs: number;
  readonly containerCreateTimeoutMs: number;
  readonly imagePullTimeoutMs: number;
  readonly taskCleanupWaitMs: number;
  readonly taskCleanupWaitJitterMs: number;
  /** How often running containers' CPU and memory are sampled and reported (ECS_POLLING_METRICS_WAIT_DURATION). */
  readonly metricsIntervalMs: number;
  readonly imagePullBehavior: ImagePullBehavior;
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  readonly availableLoggingDrivers: readonly string[];
  /** Ports of the introspection API (ECS: 51678) and task metadata endpoint (ECS: 51679); several agents on one host need their own. */
  readonly introspectionPort: number;
  readonly metadataPort: number;
  readonly disablePrivileged: boolean;
  /** Serve task roles' credentials on 169.254.170.2 (agent/task-credentials/). */
  readonly taskIamRole: boolean;
  readonly taskCpuMemLimit: boolean;
  readonly sharedVolumeMatchFullConfig: boolean;
  readonly engineAuth: { readonly type: "docker" | "dockercfg"; readonly data: Secret } | undefined;
  /** Every variable with its printable value and source, in table order (secrets redacted). */
  readonly settings: readonly ConfigSetting[];
}

/** The region the agent signs for when none is configured (the server's default too). */
export const defaultRegion = "us-east-1";

/** ECS's fallback when the host's ephemeral range cannot be read. */
export const fallbackDynamicHostPortRange: PortRange = { first: 49153, last: 65535 };
/** ECS allows at most 100 reserved ports per instance. */
const maxReservedPorts = 100;

/** Stage 1: flags over environment over file. */
export function layerConfig(inputs: ConfigInputs): RawConfig {
  const file = inputs.fileText === undefined ? new Map<string, string>() : parseEcsConfigFile(inputs.fileText, inputs.fileName);
  const values = new Map<VariableName, { text: string; source: Exclude<ConfigSource, "default"> }>();
  const unrecognized = new Set<string>();
  const layers: Array<[Exclude<ConfigSource, "default">, Iterable<[string, string | undefined]>]> = [
    ["file", file],
    ["environment", Object.entries(inputs.env ?? {})],
    ["flag", Object.entries(inputs.flags ?? {})],
  ];
  for (const [source, entries] of layers) {
    for (const [name, text] of entries) {
      if (text === undefined || text === "") continue;
      if (isVariableName(name)) values.set(name, { text, source });
      else if (source === "flag") throw new AgentConfigError([`unknown flag variable ${name}`]);
      else if (/^(ECS|BERTH)_/.test(name)) unrecognized.add(name);
    }
  }
  return { values, unrecognized: [...unrecognized].sort() };
}

/** Stages 2 and 3: parse every variable, apply the rules between them, freeze. */
export function compileAgentConfig(raw: RawConfig, facts: { readonly ephemeralPortRange?: PortRange } = {}): AgentConfig {
  const problems: string[] = [];
  const settings = new Map<VariableName, ConfigSetting>();
  /** Variables whose value did not parse: rules between variables skip them rather than report twice. */
  const failed = new Set<VariableName>();
  /** Parses one variable (its spec passed along so the value keeps its type) and records its setting. */
  const read = <T>(name: VariableName, spec: Variable<T>): T | undefined => {
    const given = raw.values.get(name);
    let value = spec.default;
    if (given !== undefined) {
      const result = spec.parse(given.text);
      if (result.ok) value = result.value;
      else {
        failed.add(name);
        problems.push(`${name} (${given.source}): expected ${result.expected}${spec.secret || result.withholdText ? "" : `, got "${given.text}"`}`);
      }
    }
    const shown = value === undefined ? "(unset)" : spec.secret ? "[redacted]" : spec.format ? spec.format(value) : JSON.stringify(value);
    settings.set(name, { variable: name, display: shown, source: given?.source ?? "default" });
    return value;
  };
  const required = <T>(name: VariableName, spec: Variable<T>): T => {
    const value = read(name, spec);
    if (value === undefined) throw new Error(`${name} has no default`); // a table bug, not a user error
    return value;
  };
  const v = agentVariables;

  // Every variable is read before any rule runs, so one error lists every bad value.
  const r = {
    cluster: required("ECS_CLUSTER", v.ECS_CLUSTER),
    endpoints: read("ECS_BACKEND_HOST", v.ECS_BACKEND_HOST) ?? [],
    region: read("AWS_DEFAULT_REGION", v.AWS_DEFAULT_REGION),
    accessKeyId: read("AWS_ACCESS_KEY_ID", v.AWS_ACCESS_KEY_ID),
    secretAccessKey: read("AWS_SECRET_ACCESS_KEY", v.AWS_SECRET_ACCESS_KEY),
    sessionToken: read("AWS_SESSION_TOKEN", v.AWS_SESSION_TOKEN),
    availabilityZone: read("BERTH_AVAILABILITY_ZONE", v.BERTH_AVAILABILITY_ZONE),
    caBundle: read("BERTH_CA_BUNDLE", v.BERTH_CA_BUNDLE),
    hostIp: required("BERTH_HOST_IP", v.BERTH_HOST_IP),
    pauseImage: required("BERTH_PAUSE_IMAGE", v.BERTH_PAUSE_IMAGE),
    capacity: required("BERTH_CAPACITY", v.BERTH_CAPACITY),
    pauseCommand: read("BERTH_PAUSE_COMMAND", v.BERTH_PAUSE_COMMAND),
    pausePoolSize: required("BERTH_PAUSE_POOL_SIZE", v.BERTH_PAUSE_POOL_SIZE),
    reservedMemoryMiB: required("ECS_RESERVED_MEMORY", v.ECS_RESERVED_MEMORY),
    reservedPorts: required("ECS_RESERVED_PORTS", v.ECS_RESERVED_PORTS),
    reservedPortsUdp: required("ECS_RESERVED_PORTS_UDP", v.ECS_RESERVED_PORTS_UDP),
    dynamicHostPortRange: read("ECS_DYNAMIC_HOST_PORT_RANGE", v.ECS_DYNAMIC_HOST_PORT_RANGE),
    instanceAttributes: required("ECS_INSTANCE_ATTRIBUTES", v.ECS_INSTANCE_ATTRIBUTES),
    containerInstanceTags: required("ECS_CONTAINER_INSTANCE_TAGS", v.ECS_CONTAINER_INSTANCE_TAGS),
    containerStopTimeoutMs: required("ECS_CONTAINER_STOP_TIMEOUT", v.ECS_CONTAINER_STOP_TIMEOUT),
    containerStartTimeoutMs: required("ECS_CONTAINER_START_TIMEOUT", v.ECS_CONTAINER_START_TIMEOUT),
    containerCreateTimeoutMs: required("ECS_CONTAINER_CREATE_TIMEOUT", v.ECS_CONTAINER_CREATE_TIMEOUT),
    imagePullTimeoutMs: required("ECS_IMAGE_PULL_TIMEOUT", v.ECS_IMAGE_PULL_TIMEOUT),
    taskCleanupWaitMs: required("ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION", v.ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION),
    taskCleanupWaitJitterMs: required("ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION_JITTER", v.ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION_JITTER),
    metricsIntervalMs: Math.max(1000, required("ECS_POLLING_METRICS_WAIT_DURATION", v.ECS_POLLING_METRICS_WAIT_DURATION)),
    imagePullBehavior: required("ECS_IMAGE_PULL_BEHAVIOR", v.ECS_IMAGE_PULL_BEHAVIOR),
    dataDir: required("ECS_DATADIR", v.ECS_DATADIR),
    logLevel: required("ECS_LOGLEVEL", v.ECS_LOGLEVEL),
    availableLoggingDrivers: required("ECS_AVAILABLE_LOGGING_DRIVERS", v.ECS_AVAILABLE_LOGGING_DRIVERS),
    introspectionPort: required("BERTH_INTROSPECTION_PORT", v.BERTH_INTROSPECTION_PORT),
    metadataPort: required("BERTH_METADATA_PORT", v.BERTH_METADATA_PORT),
    disablePrivileged: required("ECS_DISABLE_PRIVILEGED", v.ECS_DISABLE_PRIVILEGED),
    taskIamRole: required("ECS_ENABLE_TASK_IAM_ROLE", v.ECS_ENABLE_TASK_IAM_ROLE),
    taskCpuMemLimit: required("ECS_ENABLE_TASK_CPU_MEM_LIMIT", v.ECS_ENABLE_TASK_CPU_MEM_LIMIT),
    sharedVolumeMatchFullConfig: required("ECS_SHARED_VOLUME_MATCH_FULL_CONFIG", v.ECS_SHARED_VOLUME_MATCH_FULL_CONFIG),
    authType: read("ECS_ENGINE_AUTH_TYPE", v.ECS_ENGINE_AUTH_TYPE),
    authData: read("ECS_ENGINE_AUTH_DATA", v.ECS_ENGINE_AUTH_DATA),
  };

  const together = (a: VariableName, b: VariableName, valueA: unknown, valueB: unknown): void => {
    if (!failed.has(a) && !failed.has(b) && (valueA === undefined) !== (valueB === undefined)) {
      problems.push(`${a} and ${b} must be set together`);
    }
  };
  together("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", r.accessKeyId, r.secretAccessKey);
  together("ECS_ENGINE_AUTH_TYPE", "ECS_ENGINE_AUTH_DATA", r.authType, r.authData);
  if (r.reservedPorts.length + r.reservedPortsUdp.length > maxReservedPorts) {
    problems.push(`ECS_RESERVED_PORTS and ECS_RESERVED_PORTS_UDP: at most ${maxReservedPorts} reserved ports in all`);
  }
  if (problems.length > 0) throw new AgentConfigError(problems);

  // Unset, the range is the host's own ephemeral range, as the ECS agent reads it.
  const dynamicHostPortRange = r.dynamicHostPortRange ?? facts.ephemeralPortRange ?? fallbackDynamicHostPortRange;
  if (r.dynamicHostPortRange === undefined) {
    const shown = v.ECS_DYNAMIC_HOST_PORT_RANGE.format?.(dynamicHostPortRange) ?? "";
    settings.set("ECS_DYNAMIC_HOST_PORT_RANGE", { variable: "ECS_DYNAMIC_HOST_PORT_RANGE", display: shown, source: "default" });
  }
  // The ECS agent reads its zone from EC2's metadata; off EC2, one zone per region unless told otherwise.
  const availabilityZone = r.availabilityZone ?? `${r.region ?? defaultRegion}a`;
  if (r.availabilityZone === undefined) {
    settings.set("BERTH_AVAILABILITY_ZONE", { variable: "BERTH_AVAILABILITY_ZONE", display: availabilityZone, source: "default" });
  }
  const { accessKeyId, secretAccessKey, sessionToken, authType, authData, ...plain } = r;

  return deepFreeze({
    ...plain,
    // Managed capacity registers into the Fargate pool, which is no cluster (domain/fargate/pool.ts).
    cluster: r.capacity === "fargate" ? fargatePoolCluster : r.cluster,
    credentials:
      accessKeyId !== undefined && secretAccessKey !== undefined
        ? { accessKeyId, secretAccessKey: new Secret(secretAccessKey), sessionToken: sessionToken === undefined ? undefined : new Secret(sessionToken) }
        : undefined,
    dynamicHostPortRange,
    availabilityZone,
    engineAuth: authType !== undefined && authData !== undefined ? { type: authType, data: new Secret(authData) } : undefined,
    settings: variableNames.flatMap((name) => settings.get(name) ?? []),
  });
}

/** All stages at once: what `berth agent` calls. Throws AgentConfigError listing every problem. */
export function loadAgentConfig(inputs: ConfigInputs): AgentConfig {
  return compileAgentConfig(layerConfig(inputs), { ephemeralPortRange: inputs.ephemeralPortRange });
}

/** `VARIABLE=value (source)` lines for a start-up log or `berth agent --print-config`; secrets redacted. */
export function describeAgentConfig(config: AgentConfig): string[] {
  return config.settings.map((s) => `${s.variable}=${s.display} (${s.source})`);
}

/** The contents of `/proc/sys/net/ipv4/ip_local_port_range` ("32768\t60999\n"). */
export function parseIpLocalPortRange(text: string): PortRange | undefined {
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
  if (!m) return undefined;
  const first = Number(m[1]);
  const last = Number(m[2]);
  return first >= 1 && last <= 65535 && first <= last ? { first, last } : undefined;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !(value instanceof Secret) && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
