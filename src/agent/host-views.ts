import { arnCluster } from "../domain/arn.js";
import type { TaskActor, ContainerState } from "./task-actor.js";

/**
 * The JSON the ECS agent serves on the host, in its PascalCase shapes: the introspection API's
 * TaskResponse (port 51678) and the task metadata endpoint v4's (port 51679). Times are RFC 3339.
 */
const rfc3339 = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

const knownStatus = (a: TaskActor): string => a.toReport().status;

/**
 * A container's KnownStatus on the metadata endpoint: what the agent reports to the control plane,
 * except that a container Docker was asked to start is RUNNING as soon as it asks (its process is
 * up), not PENDING until the agent has inspected it.
 */
export function containerKnownStatus(a: TaskActor, c: ContainerState): string {
  const reported = a.toReport().containers.find((r) => r.name === c.name)?.status ?? "PENDING";
  return reported === "PENDING" && c.startRequested === true && a.phase !== "STOPPED" ? "RUNNING" : reported;
}

function ports(c: ContainerState) {
  return c.bindings.map((b) => ({ ContainerPort: b.containerPort, Protocol: b.protocol, HostPort: b.hostPort, HostIp: b.bindIP }));
}

/** The agent's VolumeResponse list: each bind's host path, each volume's name and place on the host. */
function volumes(c: ContainerState) {
  return c.mounts?.length ? c.mounts.map((m) => ({ DockerName: m.Name, Source: m.Source, Destination: m.Destination })) : undefined;
}

function networks(a: TaskActor, c: ContainerState) {
  // awsvpc: every container of the task has the pause container's address (its own inspect shows none).
  const eni = a.networkInterface;
  if (a.spec.networkMode === "awsvpc") {
    return eni === undefined
      ? undefined
      : [
          {
            AttachmentIndex: 0,
            NetworkMode: "awsvpc",
            IPv4Addresses: [eni.privateIPv4Address],
            MACAddress: eni.macAddress,
            PrivateDNSName: `ip-${eni.privateIPv4Address.replaceAll(".", "-")}.ec2.internal`,
          },
        ];
  }
  return c.ipv4.length > 0 ? [{ NetworkMode: a.spec.networkMode, IPv4Addresses: c.ipv4 }] : undefined;
}

/** Introspection API container (`/v1/tasks`). */
export function introspectionContainer(a: TaskActor, c: ContainerState) {
  return {
    DockerId: c.dockerId ?? "",
    DockerName: c.dockerName,
    Name: c.name,
    Image: c.definition.image ?? "",
    ImageID: c.imageId ?? "",
    CreatedAt: rfc3339(c.createdAtMs),
    StartedAt: rfc3339(c.startedAtMs),
    Ports: ports(c),
    Networks: networks(a, c),
    Volumes: volumes(c),
  };
}

/** Introspection API task (`/v1/tasks`). */
export function introspectionTask(a: TaskActor) {
  return {
    Arn: a.spec.taskArn,
    DesiredStatus: a.spec.desiredStatus,
    KnownStatus: knownStatus(a),
    Family: a.spec.family,
    Version: String(a.spec.revision),
    Containers: [...a.containers.values()].map((c) => introspectionContainer(a, c)),
  };
}

/** Task metadata v4 container (`${ECS_CONTAINER_METADATA_URI_V4}`). */
export function metadataContainer(a: TaskActor, c: ContainerState) {
  return {
    DockerId: c.dockerId ?? "",
    Name: c.name,
    DockerName: c.dockerName,
    Image: c.definition.image ?? "",
    ImageID: c.imageId ?? "",
    Ports: ports(c),
    Labels: c.definition.dockerLabels,
    DesiredStatus: a.spec.desiredStatus,
    KnownStatus: containerKnownStatus(a, c),
    ExitCode: c.exitCode,
    Limits: { CPU: Math.max(c.definition.cpu ?? 0, 2), Memory: c.definition.memory ?? 0 },
    CreatedAt: rfc3339(c.createdAtMs),
    StartedAt: rfc3339(c.startedAtMs),
    FinishedAt: rfc3339(c.finishedAtMs),
    Type: "NORMAL",
    Networks: networks(a, c),
    Health: c.definition.healthCheck ? { status: c.health } : undefined,
    Volumes: volumes(c),
    // Only for containers with a restart policy, as the ECS agent shows it.
    RestartCount: c.definition.restartPolicy?.enabled === true ? c.restartCount : undefined,
    ContainerARN: undefined,
  };
}

/**
 * Task metadata v4 task (`${ECS_CONTAINER_METADATA_URI_V4}/task`). Its cluster is the task's own
 * (its ARN's): a managed-capacity (FARGATE) agent serves tasks of every cluster.
 */
export function metadataTask(a: TaskActor, agentCluster: string) {
  const report = a.toReport();
  return {
    Cluster: arnCluster(a.spec.taskArn) ?? agentCluster,
    TaskARN: a.spec.taskArn,
    Family: a.spec.family,
    Revision: String(a.spec.revision),
    DesiredStatus: a.spec.desiredStatus,
    KnownStatus: report.status,
    Limits: a.spec.cpu !== undefined || a.spec.memory !== undefined ? { CPU: (a.spec.cpu ?? 0) / 1024, Memory: a.spec.memory } : undefined,
    PullStartedAt: rfc3339(report.pullStartedAtMs),
    PullStoppedAt: rfc3339(report.pullStoppedAtMs),
    ExecutionStoppedAt: rfc3339(report.executionStoppedAtMs),
    LaunchType: "EC2",
    Containers: [...a.containers.values()].map((c) => metadataContainer(a, c)),
  };
}
