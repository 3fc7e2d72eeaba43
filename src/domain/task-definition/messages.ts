/**
 * Every message RegisterTaskDefinition can refuse with, in one place so the wording stays consistent.
 *
 * Sentences marked `ECS:` are ECS's own words, seen in real error responses quoted in public issues
 * (README.md lists where). When ECS's sentence does not say which container or value is at fault, a
 * second sentence of ours follows it; clients that match on ECS's text still find it at the start.
 * Unmarked messages are ours, written in ECS's style because the real wording is not known.
 */
import { listed } from "./enums.js";
import { excerpt } from "../../observability/excerpt.js";

/** A quoted value from the request, as an excerpt: names and values can be any length. */
const q = (s: string): string => `'${excerpt(s, 255)}'`;

export const messages = {
  // ECS: observed verbatim.
  tooLarge: (bytes: number, max: number) => `Actual length: '${bytes}'. Max allowed length is '${max}' bytes.`,
  invalidFamily: (family: string) =>
    `Invalid family ${q(family)}. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.`,
  noContainers: () => "Container list cannot be empty. Add at least one container definition.",
  // ECS: "Too many containers."
  tooManyContainers: (count: number, max: number) =>
    `Too many containers. A task definition can have at most ${max} containers; this one has ${count}.`,
  invalidContainerName: (name: string) =>
    `Invalid container name ${q(name)}. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.`,
  duplicateContainerName: (name: string) =>
    `Duplicate container name ${q(name)}. Container names must be unique within a task definition.`,
  // ECS: "Container.image should not be null or empty."
  missingImage: (container: string) =>
    `Container.image should not be null or empty. Set 'image' for container ${q(container)}.`,
  imageTooLong: (container: string, max: number) =>
    `Invalid 'image' setting for container ${q(container)}. The image name (before any '@' digest) can be at most ${max} characters.`,
  invalidImageDigest: (container: string) =>
    `Invalid 'image' setting for container ${q(container)}. A digest must be 'sha256:' followed by 64 hexadecimal characters.`,
  noEssentialContainer: () =>
    "A task definition must have at least one essential container. Set 'essential' to true (the default) on one container.",
  invalidEnum: (field: string, value: unknown, valid: readonly string[]) =>
    `Invalid ${field} ${q(String(value))}. Valid values: ${listed(valid)}.`,
  invalidContainerEnum: (container: string, field: string, value: unknown, valid: readonly string[]) =>
    `Invalid ${field} ${q(String(value))} for container ${q(container)}. Valid values: ${listed(valid)}.`,
  outOfRange: (container: string, field: string, value: number, min: number, max: number) =>
    `Invalid '${field}' setting for container ${q(container)}: ${value}. Valid values are ${min} to ${max}.`,

  // Task size. ECS: "Invalid 'cpu' setting for task. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
  invalidTaskCpu: (value: string, detail: string) =>
    `Invalid 'cpu' setting for task. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide. ${detail} (got ${q(value)})`,
  invalidTaskMemory: (value: string, detail: string) =>
    `Invalid 'memory' setting for task. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide. ${detail} (got ${q(value)})`,

  // Container memory. ECS: the first message verbatim.
  memoryRequired: (container: string) =>
    `Invalid setting for container ${q(container)}. At least one of 'memory' or 'memoryReservation' must be specified.`,
  memoryBelowReservation: (container: string, memory: number, reservation: number) =>
    `Invalid setting for container ${q(container)}. 'memory' (${memory}) must be greater than or equal to 'memoryReservation' (${reservation}).`,
  memoryTooSmall: (container: string, field: string, value: number, min: number) =>
    `Invalid '${field}' setting for container ${q(container)}: ${value} MiB. Docker needs at least ${min} MiB for a container.`,
  // ECS: verbatim.
  containerMemoryAboveTask: (container: string) => `The 'memory' setting for container ${q(container)} is greater than for the task.`,
  // ECS: "The sum of all container 'memoryReservation' values cannot be greater than the value of the task 'memory'."
  reservationSumAboveTask: (field: "memory" | "memoryReservation", sum: number, task: number) =>
    `The sum of all container '${field}' values cannot be greater than the value of the task 'memory'. The containers reserve ${sum} MiB; the task has ${task} MiB.`,
  // ECS: "The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'."
  cpuSumAboveTask: (sum: number, task: number) =>
    `The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'. The containers ask for ${sum} units; the task has ${task}.`,
  negative: (container: string, field: string, value: number) =>
    `Invalid '${field}' setting for container ${q(container)}: ${value}. It cannot be negative.`,

  // Ports. ECS: "Invalid 'containerPort' setting for container 'X'." and "When networkMode=awsvpc, the host ports and container ports in port mappings must match."
  invalidContainerPort: (container: string, detail: string) =>
    `Invalid 'containerPort' setting for container ${q(container)}. ${detail}`,
  invalidHostPort: (container: string, detail: string) => `Invalid 'hostPort' setting for container ${q(container)}. ${detail}`,
  hostPortMustMatch: (mode: string, container: string, containerPort: number, hostPort: number) =>
    `When networkMode=${mode}, the host ports and container ports in port mappings must match. Container ${q(container)} maps container port ${containerPort} to host port ${hostPort}; omit 'hostPort' or set it to ${containerPort}.`,
  portMappingsWithNone: (container: string) =>
    `Port mappings are not supported when networkMode=none. Remove the portMappings of container ${q(container)} or choose another network mode.`,
  duplicateContainerPort: (container: string, port: number) =>
    `Container ${q(container)} maps container port ${port} more than once. A container port can appear in one port mapping only, whatever its protocol.`,
  invalidPortRange: (container: string, range: string, detail: string) =>
    `Invalid 'containerPortRange' setting ${q(range)} for container ${q(container)}. ${detail}`,
  invalidPortMappingName: (container: string, name: string) =>
    `Invalid port mapping name ${q(name)} for container ${q(container)}. Up to 64 lowercase letters, numbers, underscores, and hyphens are allowed, not starting with a hyphen.`,
  duplicatePortMappingName: (name: string) =>
    `Duplicate port mapping name ${q(name)}. Port mapping names must be unique within a task definition.`,

  // Network-mode restrictions. ECS: "Links are not supported when networkMode=awsvpc." and "hostname is not supported on container when networkMode=awsvpc."
  linksNotSupported: (mode: string, container: string) =>
    `Links are not supported when networkMode=${mode}. Remove 'links' from container ${q(container)}; links need networkMode=bridge.`,
  unknownLink: (container: string, target: string) =>
    `Container ${q(container)} links to container ${q(target)}, which is not defined in the task definition.`,
  hostnameNotSupported: (container: string) =>
    `hostname is not supported on container when networkMode=awsvpc. Remove 'hostname' from container ${q(container)}.`,
  extraHostsNotSupported: (container: string) =>
    `extraHosts is not supported on container when networkMode=awsvpc. Remove 'extraHosts' from container ${q(container)}.`,
  notWithAwsvpc: (member: "dnsServers" | "dnsSearchDomains", container: string) =>
    `${member} is not supported on container when networkMode=awsvpc. Remove '${member}' from container ${q(container)}: the task uses its network's resolver.`,

  // Health checks.
  invalidHealthCommand: (container: string) =>
    `Invalid healthCheck command for container ${q(container)}. The command must start with "CMD" or "CMD-SHELL", followed by the command to run.`,
  healthOutOfRange: (container: string, field: string, value: number, min: number, max: number) =>
    `Invalid healthCheck '${field}' setting for container ${q(container)}: ${value}. Valid values are ${min} to ${max} ${field === "retries" ? "retries" : "seconds"}.`,

  // Dependencies. ECS: "A dependency container with SUCCESS or COMPLETE condition cannot be an essential container"
  unknownDependency: (container: string, target: string) =>
    `Container ${q(container)} depends on container ${q(target)}, which is not defined in the task definition.`,
  essentialDependency: (container: string, target: string, condition: string) =>
    `A dependency container with SUCCESS or COMPLETE condition cannot be an essential container. Container ${q(container)} waits for ${condition} of ${q(target)}: set 'essential' to false on ${q(target)} or use START or HEALTHY.`,
  healthyWithoutHealthCheck: (container: string, target: string) =>
    `Container ${q(container)} depends on container ${q(target)} being HEALTHY, but ${q(target)} has no healthCheck. Add a healthCheck to ${q(target)} or use another condition.`,
  dependencyCycle: (path: readonly string[]) =>
    `Circular dependency between containers: ${path.map(q).join(" -> ")}. Containers order their start through dependsOn, links and volumesFrom; remove one of these references.`,

  // Volumes.
  invalidVolumeName: (name: string) =>
    `Invalid volume name ${q(name)}. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.`,
  duplicateVolumeName: (name: string) => `Duplicate volume name ${q(name)}. Volume names must be unique within a task definition.`,
  volumeTypes: (name: string) =>
    `Volume ${q(name)} sets more than one of host, dockerVolumeConfiguration, efsVolumeConfiguration, fsxWindowsFileServerVolumeConfiguration, s3filesVolumeConfiguration and configuredAtLaunch. Choose one.`,
  autoprovisionNeedsShared: (name: string) =>
    `Invalid dockerVolumeConfiguration for volume ${q(name)}: 'autoprovision' can only be true when 'scope' is 'shared'.`,
  tooManyConfiguredAtLaunch: () => "Only one volume in a task definition can be configured at launch.",
  unknownVolume: (container: string, volume: string) =>
    `Invalid mountPoint for container ${q(container)}: sourceVolume ${q(volume)} is not defined in the task definition's volumes.`,
  mountPointIncomplete: (container: string) =>
    `Invalid mountPoint for container ${q(container)}: both 'sourceVolume' and 'containerPath' are required.`,
  duplicateMountPath: (container: string, path: string) =>
    `Container ${q(container)} mounts more than one volume at ${q(path)}. Each containerPath can be used once per container.`,
  unknownVolumesFrom: (container: string, source: string) =>
    `Invalid volumesFrom for container ${q(container)}: sourceContainer ${q(source)} is not defined in the task definition.`,
  volumesFromSelf: (container: string) => `Invalid volumesFrom for container ${q(container)}: a container cannot mount volumes from itself.`,

  // Placement constraints.
  tooManyConstraints: (count: number, max: number) =>
    `Too many placement constraints: ${count}. A task definition can have at most ${max}.`,
  constraintType: (type: unknown) =>
    `Invalid placement constraint type ${q(String(type))}. Task definitions only support 'memberOf' constraints; use 'distinctInstance' in RunTask or CreateService instead.`,
  constraintExpressionMissing: () => "A 'memberOf' placement constraint needs an 'expression' in the cluster query language.",
  constraintExpressionTooLong: (length: number, max: number) =>
    `Placement constraint expression is too long: ${length} characters. The maximum is ${max}.`,
  constraintExpressionInvalid: (expression: string, reason: string) =>
    `Invalid placement constraint expression ${q(expression)}: ${reason}`,

  // Logging. ECS: "Log driver awslogs requires options: awslogs-region, awslogs-group"
  awslogsOptions: (container: string, missing: readonly string[]) =>
    `Log driver awslogs requires options: ${missing.join(", ")}. Add them to the logConfiguration of container ${q(container)}.`,
  firelensWithoutRouter: (container: string) =>
    `Container ${q(container)} uses log driver awsfirelens, but no container in the task definition has a firelensConfiguration.`,
  // ECS: verbatim (the first sentence); ours names the container.
  secretsWithoutExecutionRole: (container: string) =>
    `When you are specifying container secrets, you must also specify a value for 'executionRoleArn'. Container ${q(container)} has secrets.`,
  // ECS: verbatim (the first sentence); ours names the container.
  repositoryCredentialsWithoutExecutionRole: (container: string) =>
    `Private repository authentication requires that the task definition specify a value for executionRoleArn. Container ${q(container)} has repositoryCredentials.`,

  // Other container fields.
  invalidUlimit: (container: string, name: string, detail: string) =>
    `Invalid ulimit ${q(name)} for container ${q(container)}. ${detail}`,
  invalidLinuxParameter: (container: string, detail: string) =>
    `Invalid linuxParameters for container ${q(container)}. ${detail}`,
  tooManyEnvironmentFiles: (container: string, max: number) =>
    `Container ${q(container)} has more than ${max} environmentFiles.`,
  invalidRestartPolicy: (container: string, detail: string) =>
    `Invalid restartPolicy for container ${q(container)}. ${detail}`,
  tooManyCredentialSpecs: (container: string) => `Container ${q(container)} can have at most one credentialSpecs entry.`,
  unknownProxyContainer: (name: string) =>
    `proxyConfiguration names container ${q(name)}, which is not defined in the task definition.`,
  ephemeralStorage: (size: number) => `Invalid ephemeralStorage sizeInGiB ${size}. Valid values are 21 to 200.`,

  // Fargate. ECS: the first four and the ipcMode and awslogs ones verbatim (note ECS's typographic quotes).
  fargateNetworkMode: () => "Fargate only supports network mode ‘awsvpc’.",
  fargateCpuRequired: () => "Fargate requires that 'cpu' be defined at the task level.",
  fargateMemoryRequired: () => "Fargate requires that 'memory' be defined at the task level.",
  fargateNoConfiguration: (cpu: number, memory: number, options: readonly number[]) =>
    options.length === 0
      ? `No Fargate configuration exists for given values. Fargate task cpu must be one of 256, 512, 1024, 2048, 4096, 8192 or 16384 (got ${cpu}).`
      : `No Fargate configuration exists for given values. With cpu ${cpu}, memory must be one of ${options.join(", ")} MiB (got ${memory}).`,
  fargateIpcMode: () => "Tasks using the Fargate launch type do not support ipcMode.",
  fargateAwslogsRole: () => "Fargate requires task definition to have execution role ARN to support log driver awslogs.",
  fargateUnsupported: (what: string) => `Tasks using the Fargate launch type do not support ${what}.`,
  externalAwsvpc: () =>
    "Tasks using the EXTERNAL launch type do not support network mode 'awsvpc'. Use bridge, host or none.",
} as const;
