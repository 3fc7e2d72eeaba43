/**
 * The part of the Docker Engine API's container-create body the agent writes, typed exactly
 * (dockerode's own types leave many of these fields `any`). `docker-client.ts` checks at compile
 * time that a {@link ContainerCreateSpec} is a valid dockerode `ContainerCreateOptions`.
 */

/** `HostConfig.PortBindings` entry: HostPort "" lets Docker choose an ephemeral port. */
export interface PortBindingSpec {
  readonly HostIp: string;
  readonly HostPort: string;
}

export interface MountSpec {
  readonly Type: "volume";
  /** The Docker volume's name. */
  readonly Source: string;
  readonly Target: string;
  readonly ReadOnly: boolean;
}

export interface DeviceSpec {
  readonly PathOnHost: string;
  readonly PathInContainer: string;
  readonly CgroupPermissions: string;
}

export interface UlimitSpec {
  readonly Name: string;
  readonly Soft: number;
  readonly Hard: number;
}

export interface HealthcheckSpec {
  readonly Test: string[];
  /** Nanoseconds, as every Docker health-check duration. */
  readonly Interval: number;
  readonly Timeout: number;
  readonly Retries: number;
  readonly StartPeriod: number;
}

export interface HostConfigSpec {
  NetworkMode: string;
  CpuShares: number;
  /** The cgroup the container's own is made under (cgroupfs driver: a path such as /berth/<task-id>). */
  CgroupParent?: string;
  NanoCpus?: number;
  /** Bytes. */
  Memory?: number;
  MemoryReservation?: number;
  MemorySwap?: number;
  MemorySwappiness?: number;
  PortBindings?: Record<string, PortBindingSpec[]>;
  Links?: string[];
  Binds?: string[];
  Mounts?: MountSpec[];
  VolumesFrom?: string[];
  Dns?: string[];
  DnsSearch?: string[];
  ExtraHosts?: string[];
  Privileged?: boolean;
  ReadonlyRootfs?: boolean;
  SecurityOpt?: string[];
  Init?: boolean;
  CapAdd?: string[];
  CapDrop?: string[];
  Devices?: DeviceSpec[];
  Tmpfs?: Record<string, string>;
  ShmSize?: number;
  LogConfig?: { Type: string; Config: Record<string, string> };
  Ulimits?: UlimitSpec[];
  Sysctls?: Record<string, string>;
  PidMode?: string;
  IpcMode?: string;
}

/** The body of `POST /containers/create` plus the `name` query parameter, as dockerode takes them. */
export interface ContainerCreateSpec {
  name: string;
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env: string[];
  WorkingDir?: string;
  User?: string;
  Hostname?: string;
  Labels: Record<string, string>;
  ExposedPorts?: Record<string, Record<string, never>>;
  Tty?: boolean;
  OpenStdin?: boolean;
  NetworkDisabled?: boolean;
  Healthcheck?: HealthcheckSpec;
  /** Seconds: what `docker stop` without `-t` waits before SIGKILL. */
  StopTimeout: number;
  HostConfig: HostConfigSpec;
}
