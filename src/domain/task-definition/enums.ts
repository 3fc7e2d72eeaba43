/**
 * The closed value sets of a task definition, checked here because the front door validates JSON types
 * and required members only, never enum members. Each list is tied to the AWS SDK's published union
 * with `satisfies`, so a value the SDK does not know cannot slip in.
 */
import type {
  ApplicationProtocol,
  Compatibility,
  ContainerCondition,
  CPUArchitecture,
  IpcMode,
  LogDriver,
  NetworkMode,
  OSFamily,
  PidMode,
  ResourceType,
  Scope,
  UlimitName,
} from "@aws-sdk/client-ecs";

export const networkModes = ["bridge", "host", "awsvpc", "none"] as const satisfies readonly NetworkMode[];

/** Listed in the order `compatibilities` is reported in. */
export const compatibilityValues = ["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"] as const satisfies readonly Compatibility[];

export const pidModes = ["host", "task"] as const satisfies readonly PidMode[];
export const ipcModes = ["host", "task", "none"] as const satisfies readonly IpcMode[];

export const logDrivers = [
  "json-file",
  "syslog",
  "journald",
  "gelf",
  "fluentd",
  "awslogs",
  "splunk",
  "awsfirelens",
] as const satisfies readonly LogDriver[];

export const ulimitNames = [
  "core",
  "cpu",
  "data",
  "fsize",
  "locks",
  "memlock",
  "msgqueue",
  "nice",
  "nofile",
  "nproc",
  "rss",
  "rtprio",
  "rttime",
  "sigpending",
  "stack",
] as const satisfies readonly UlimitName[];

export const containerConditions = ["START", "COMPLETE", "SUCCESS", "HEALTHY"] as const satisfies readonly ContainerCondition[];
export const applicationProtocols = ["http", "http2", "grpc"] as const satisfies readonly ApplicationProtocol[];
export const volumeScopes = ["task", "shared"] as const satisfies readonly Scope[];
export const resourceTypes = ["GPU", "InferenceAccelerator", "NeuronDevice"] as const satisfies readonly ResourceType[];
export const cpuArchitectures = ["X86_64", "ARM64"] as const satisfies readonly CPUArchitecture[];
export const osFamilies = [
  "LINUX",
  "WINDOWS_SERVER_2016_FULL",
  "WINDOWS_SERVER_2019_FULL",
  "WINDOWS_SERVER_2019_CORE",
  "WINDOWS_SERVER_2022_FULL",
  "WINDOWS_SERVER_2022_CORE",
  "WINDOWS_SERVER_2025_FULL",
  "WINDOWS_SERVER_2025_CORE",
  "WINDOWS_SERVER_2004_CORE",
  "WINDOWS_SERVER_20H2_CORE",
] as const satisfies readonly OSFamily[];

/** Linux capabilities ECS accepts in `linuxParameters.capabilities` (API reference, KernelCapabilities). */
export const kernelCapabilities = [
  "ALL", "AUDIT_CONTROL", "AUDIT_WRITE", "BLOCK_SUSPEND", "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER",
  "FSETID", "IPC_LOCK", "IPC_OWNER", "KILL", "LEASE", "LINUX_IMMUTABLE", "MAC_ADMIN", "MAC_OVERRIDE", "MKNOD",
  "NET_ADMIN", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID",
  "SYS_ADMIN", "SYS_BOOT", "SYS_CHROOT", "SYS_MODULE", "SYS_NICE", "SYS_PACCT", "SYS_PTRACE", "SYS_RAWIO",
  "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "SYSLOG", "WAKE_ALARM",
] as const;

/** True when `value` is one of `list`; narrows an unchecked wire value to the union. */
export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return list.some((v) => v === value);
}

/** `a, b, c` for messages that list the valid values. */
export const listed = (list: readonly string[]): string => list.join(", ");
