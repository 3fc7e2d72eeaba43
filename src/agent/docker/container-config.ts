/**
 * One ECS container definition → the Docker container-create request. Pure: every fact from the
 * host (chosen ports, volume locations, the other containers' Docker names, env to inject) is an
 * argument, so the mapping is table-tested without Docker.
 *
 * Limits: ECS enforces task-level cpu/memory on a task cgroup. Without one, a task limit is applied
 * to each container that sets none of its own, so no container can exceed the task's total.
 */
import type { ContainerDefinition, HealthCheck, LinuxParameters } from "@aws-sdk/client-ecs";
import { DockerError } from "./errors.js";
import { awslogsDeliveryMode, awslogsDockerLogConfig, awslogsLabel } from "../logs/awslogs-label.js";
import { containerLabels, type ContainerIdentity } from "./naming.js";
import { portBindings, type PortBindingsSpec } from "./port-bindings.js";
import { containerStorage, type VolumeSource } from "./container-storage.js";
import type { ContainerCreateSpec, HealthcheckSpec, HostConfigSpec } from "./docker-spec.js";

const mib = 1024 * 1024;
const nsPerSecond = 1_000_000_000;
/** The CPU shares ECS gives a container with cpu unset, 0 or 1: Docker's minimum is 2. */
const minimumCpuShares = 2;

/** ECS health-check defaults (seconds, and a count), applied when the definition omits them. */
export const healthCheckDefaults = { interval: 30, timeout: 5, retries: 3, startPeriod: 0 } as const;

export interface ContainerConfigInput {
  readonly container: ContainerDefinition;
  /** Identity for the labels. */
  readonly identity: ContainerIdentity;
  /** The task's execution role, which ships an awslogs container's lines (agent/logs/). */
  readonly executionRoleArn?: string | undefined;
  /** The Docker name chosen for this container (see naming.ts). */
  readonly dockerName: string;
  /** The task's network mode; bridge when unset, as in ECS. */
  readonly networkMode?: string;
  /** awsvpc: the Docker name of the task's pause container, whose network namespace the container joins. */
  readonly pauseContainer?: string;
  readonly pidMode?: string | undefined;
  readonly ipcMode?: string | undefined;
  /** pidMode or ipcMode `task`: the Docker name of the task's namespace pause container, whose namespaces the container joins. */
  readonly namespaceContainer?: string | undefined;
  /** Task-level cpu in CPU units and memory in MiB, already normalised from "1 vCPU" / "1GB". */
  readonly taskCpu?: number;
  readonly taskMemoryMiB?: number;
  /** The task's cgroup (cgroups/task-cgroup.ts), when the agent made one. */
  readonly cgroupParent?: string | undefined;
  /** Host ports the agent chose, keyed `"<containerPort>/<protocol>"`. */
  readonly hostPorts?: ReadonlyMap<string, number>;
  /** The host address to publish ports on (BERTH_HOST_IP); 0.0.0.0 when unset. */
  readonly hostIp?: string;
  /** Task volumes by name. */
  readonly volumes?: Readonly<Record<string, VolumeSource>>;
  /** Docker names of the task's other containers, by container name (links, volumesFrom). */
  readonly dockerNames?: Readonly<Record<string, string>>;
  /** Variables the agent injects (metadata URI, credentials URI, resolved secrets); they win over the definition's. */
  readonly injectedEnv?: Readonly<Record<string, string>>;
  /** The log configuration's resolved `secretOptions` (agent/secrets/): options of the log driver, beside `options`. */
  readonly logSecretOptions?: Readonly<Record<string, string>> | undefined;
  /** `ECS_CONTAINER_STOP_TIMEOUT` in seconds, used when the definition sets no stopTimeout. */
  readonly defaultStopTimeoutSeconds: number;
}

const broken = (message: string): DockerError => new DockerError("CannotCreateContainerError", message);

/** The Docker create request for one container of a task. */
export function containerCreateSpec(input: ContainerConfigInput): ContainerCreateSpec {
  const c = withLogSecretOptions(input.container, input.logSecretOptions);
  if (!c.image) throw broken("Container.image should not be null or empty");
  const networkMode = dockerNetworkMode(input.networkMode, input.pauseContainer);
  // In another container's namespace Docker refuses exposed and published ports: the task's address serves them.
  const ports: PortBindingsSpec =
    networkMode === "bridge" || networkMode === "host" || networkMode === "none"
      ? portBindings({ portMappings: c.portMappings, networkMode, hostPorts: input.hostPorts, hostIp: input.hostIp })
      : {};
  const storage = containerStorage({
    mountPoints: c.mountPoints,
    volumesFrom: c.volumesFrom,
    tmpfs: c.linuxParameters?.tmpfs,
    volumes: input.volumes ?? {},
    dockerNames: input.dockerNames ?? {},
  });

  const hostConfig: HostConfigSpec = {
    NetworkMode: networkMode,
    ...resources(c, input),
    ...(input.cgroupParent !== undefined && { CgroupParent: input.cgroupParent }),
    ...(ports.PortBindings && { PortBindings: ports.PortBindings }),
    ...(c.links?.length && { Links: links(c.links, networkMode, input.dockerNames ?? {}) }),
    ...storage,
    ...(c.dnsServers?.length && { Dns: [...c.dnsServers] }),
    ...(c.dnsSearchDomains?.length && { DnsSearch: [...c.dnsSearchDomains] }),
    ...(c.extraHosts?.length && { ExtraHosts: c.extraHosts.map((h) => `${h.hostname ?? ""}:${h.ipAddress ?? ""}`) }),
    ...(c.privileged !== undefined && { Privileged: c.privileged }),
    ...(c.readonlyRootFilesystem !== undefined && { ReadonlyRootfs: c.readonlyRootFilesystem }),
    ...(c.dockerSecurityOptions?.length && { SecurityOpt: [...c.dockerSecurityOptions] }),
    ...linuxParameters(c.linuxParameters),
    ...(c.logConfiguration?.logDriver && {
      // awslogs is the agent's own: Docker keeps the lines in json-file and the agent ships them (agent/logs/).
      LogConfig:
        c.logConfiguration.logDriver === "awslogs"
          ? { Type: awslogsDockerLogConfig.Type, Config: { ...awslogsDockerLogConfig.Config, ...awslogsDeliveryMode(c.logConfiguration.options) } }
          : { Type: c.logConfiguration.logDriver, Config: { ...c.logConfiguration.options } },
    }),
    ...(c.ulimits?.length && {
      Ulimits: c.ulimits.map((u) => ({ Name: u.name ?? "", Soft: u.softLimit ?? 0, Hard: u.hardLimit ?? 0 })),
    }),
    ...(c.systemControls?.length && {
      Sysctls: Object.fromEntries(c.systemControls.map((s) => [s.namespace ?? "", s.value ?? ""])),
    }),
    ...namespaceModes(input),
  };

  return {
    name: input.dockerName,
    Image: c.image,
    ...(c.command && { Cmd: [...c.command] }),
    ...(c.entryPoint && { Entrypoint: [...c.entryPoint] }),
    Env: environment(c, input.injectedEnv),
    ...(c.workingDirectory && { WorkingDir: c.workingDirectory }),
    ...(c.user && { User: c.user }),
    ...(c.hostname && { Hostname: c.hostname }),
    Labels: { ...containerLabels(c.dockerLabels, input.identity), ...awslogsLabel(c, input.identity.taskArn, input.executionRoleArn) },
    ...(ports.ExposedPorts && { ExposedPorts: ports.ExposedPorts }),
    ...(c.pseudoTerminal !== undefined && { Tty: c.pseudoTerminal }),
    ...(c.interactive !== undefined && { OpenStdin: c.interactive }),
    ...(c.disableNetworking !== undefined && { NetworkDisabled: c.disableNetworking }),
    ...(c.healthCheck && { Healthcheck: healthcheck(c.healthCheck) }),
    StopTimeout: c.stopTimeout ?? input.defaultStopTimeoutSeconds,
    HostConfig: hostConfig,
  };
}

/** The driver gets secretOptions' values as options, as the ECS agent hands them to Docker. */
function withLogSecretOptions(c: ContainerDefinition, secretOptions: Readonly<Record<string, string>> | undefined): ContainerDefinition {
  if (c.logConfiguration === undefined || secretOptions === undefined || Object.keys(secretOptions).length === 0) return c;
  return { ...c, logConfiguration: { ...c.logConfiguration, options: { ...c.logConfiguration.options, ...secretOptions } } };
}

function dockerNetworkMode(mode: string | undefined, pauseContainer: string | undefined): "bridge" | "host" | "none" | `container:${string}` {
  switch (mode ?? "bridge") {
    case "awsvpc":
      if (pauseContainer === undefined) throw broken("an awsvpc task's containers need its pause container");
      return `container:${pauseContainer}`;
    case "bridge":
      return "bridge";
    case "host":
      return "host";
    case "none":
      return "none";
    default:
      throw broken(`network mode "${mode}" is not supported by this agent (bridge, host, none, awsvpc)`);
  }
}

function resources(c: ContainerDefinition, input: ContainerConfigInput): Partial<HostConfigSpec> & { CpuShares: number } {
  const cpu = c.cpu ?? 0;
  const memoryMiB = c.memory ?? input.taskMemoryMiB;
  const swap = c.linuxParameters?.maxSwap;
  return {
    CpuShares: cpu < minimumCpuShares ? minimumCpuShares : cpu,
    ...(input.taskCpu !== undefined && input.taskCpu > 0 && { NanoCpus: Math.round((input.taskCpu / 1024) * nsPerSecond) }),
    ...(memoryMiB !== undefined && { Memory: memoryMiB * mib }),
    ...(c.memoryReservation !== undefined && { MemoryReservation: c.memoryReservation * mib }),
    // Docker's MemorySwap is memory + swap; maxSwap 0 means no swap at all.
    ...(swap !== undefined && memoryMiB !== undefined && { MemorySwap: (memoryMiB + swap) * mib }),
    ...(c.linuxParameters?.swappiness !== undefined && { MemorySwappiness: c.linuxParameters.swappiness }),
  };
}

function environment(c: ContainerDefinition, injected: Readonly<Record<string, string>> | undefined): string[] {
  // A Map keeps first-seen order and lets a later value (injected) replace an earlier one.
  const env = new Map<string, string>();
  for (const kv of c.environment ?? []) if (kv.name) env.set(kv.name, kv.value ?? "");
  for (const [k, v] of Object.entries(injected ?? {})) env.set(k, v);
  return [...env].map(([k, v]) => `${k}=${v}`);
}

function links(entries: readonly string[], networkMode: string, dockerNames: Readonly<Record<string, string>>): string[] {
  if (networkMode !== "bridge") throw broken(`links are only supported in bridge network mode, not ${networkMode}`);
  return entries.map((entry) => {
    const [name = "", alias = name] = entry.split(":", 2);
    const dockerName = Object.hasOwn(dockerNames, name) ? dockerNames[name] : undefined;
    if (dockerName === undefined) throw broken(`link references unknown container "${name}"`);
    return `${dockerName}:${alias}`;
  });
}

function healthcheck(h: HealthCheck): HealthcheckSpec {
  const command = h.command ?? [];
  if (command[0] !== "CMD" && command[0] !== "CMD-SHELL") {
    throw broken(`health check command must start with CMD or CMD-SHELL, got ${JSON.stringify(command[0] ?? "")}`);
  }
  return {
    Test: [...command],
    Interval: (h.interval ?? healthCheckDefaults.interval) * nsPerSecond,
    Timeout: (h.timeout ?? healthCheckDefaults.timeout) * nsPerSecond,
    Retries: h.retries ?? healthCheckDefaults.retries,
    StartPeriod: (h.startPeriod ?? healthCheckDefaults.startPeriod) * nsPerSecond,
  };
}

const devicePermission = { read: "r", write: "w", mknod: "m" } as const;

function linuxParameters(lp: LinuxParameters | undefined): Partial<HostConfigSpec> {
  if (!lp) return {};
  return {
    ...(lp.initProcessEnabled !== undefined && { Init: lp.initProcessEnabled }),
    ...(lp.capabilities?.add?.length && { CapAdd: [...lp.capabilities.add] }),
    ...(lp.capabilities?.drop?.length && { CapDrop: [...lp.capabilities.drop] }),
    ...(lp.devices?.length && {
      Devices: lp.devices.map((d) => ({
        PathOnHost: d.hostPath ?? "",
        PathInContainer: d.containerPath ?? d.hostPath ?? "",
        CgroupPermissions: d.permissions?.length ? d.permissions.map((p) => devicePermission[p]).join("") : "rwm",
      })),
    }),
    ...(lp.sharedMemorySize !== undefined && { ShmSize: lp.sharedMemorySize * mib }),
  };
}

function namespaceModes(input: ContainerConfigInput): Partial<HostConfigSpec> {
  const mode = (field: string, value: string | undefined): string | undefined => {
    if (value !== "task") return value;
    if (input.namespaceContainer === undefined) throw broken(`${field} "task" needs the task's namespace pause container`);
    return `container:${input.namespaceContainer}`;
  };
  const pid = mode("pidMode", input.pidMode);
  const ipc = mode("ipcMode", input.ipcMode);
  return { ...(pid !== undefined && { PidMode: pid }), ...(ipc !== undefined && { IpcMode: ipc }) };
}
