import type { ContainerDefinition, Tag, TaskDefinition, TaskOverride } from "@aws-sdk/client-ecs";
import type { TaskReport, TaskSpec } from "../agent-protocol/messages.js";
import type { Reservation } from "./container-instance.js";
import type { OfferedLaunchType } from "./launch-type.js";
import type { StopCode, TaskStatus } from "./task-status.js";

/** A task as the control plane keeps it: what was asked (spec), what was reserved, what is known. */
export interface TaskRecord {
  readonly arn: string;
  readonly id: string;
  readonly cluster: string;
  readonly clusterArn: string;
  readonly containerInstanceArn: string;
  readonly taskDefinitionArn: string;
  readonly group: string;
  readonly startedBy?: string | undefined;
  readonly serviceName?: string | undefined;
  readonly launchType: OfferedLaunchType;
  /** A FARGATE task's platform version (domain/fargate/). */
  readonly platformVersion?: string | undefined;
  /** The capacity provider the task was launched through, when a strategy placed it (domain/capacity/). */
  readonly capacityProviderName?: string | undefined;
  readonly overrides: TaskOverride;
  readonly tags: readonly Tag[];
  readonly spec: TaskSpec;
  /** The uuid in each container's ARN, by container name. */
  readonly containerIds: Readonly<Record<string, string>>;
  readonly reservation: Reservation;
  readonly lastStatus: TaskStatus;
  readonly stopCode?: StopCode | undefined;
  readonly stoppedReason?: string | undefined;
  /** The agent's latest report, containers included. */
  readonly known?: TaskReport | undefined;
  readonly createdAtMs: number;
  readonly stoppingAtMs?: number | undefined;
  readonly stoppedAtMs?: number | undefined;
  /**
   * For a service task: its service's reconciler has taken its stop into account (failure counts,
   * replacement). Until then a STOPPED service task is still in the service's view of its tasks.
   */
  readonly serviceObserved?: boolean | undefined;
  /**
   * For a service task behind target groups (ELBv2): its targets' health, kept by the
   * load-balancing controller. INITIAL until every target passed its health checks, UNHEALTHY once
   * one failed them. Absent for tasks not behind a load balancer.
   */
  readonly targetHealth?: "INITIAL" | "HEALTHY" | "UNHEALTHY" | undefined;
  /** Task scale-in protection (domain/task-protection.ts): on until `expiresAtMs`. */
  readonly protection?: { readonly enabled: boolean; readonly expiresAtMs: number } | undefined;
  /** Bumped on every state change, as ECS's `version`. */
  readonly version: number;
}

/**
 * The task with its desired status set to STOPPED (StopTask, the service scheduler): the agent is
 * told to stop it, and it stays RUNNING as known until the agent reports it STOPPED. Unchanged if
 * it is already meant to stop.
 */
export function requestStop(task: TaskRecord, stop: { readonly reason: string; readonly code: StopCode; readonly nowMs: number }): TaskRecord {
  if (task.spec.desiredStatus === "STOPPED") return task;
  return {
    ...task,
    spec: { ...task.spec, desiredStatus: "STOPPED", stopReason: stop.reason },
    stopCode: stop.code,
    stoppedReason: stop.reason,
    stoppingAtMs: stop.nowMs,
    version: task.version + 1,
  };
}

/**
 * The task recorded as STOPPED without its agent's word: its agent has been gone too long (a lost
 * host). Its resources are released; should the agent come back, the manifest no longer lists the
 * task, and the agent stops its containers.
 */
export function markLost(task: TaskRecord, stop: { readonly reason: string; readonly nowMs: number; readonly code?: StopCode }): TaskRecord {
  if (task.lastStatus === "STOPPED") return task;
  return {
    ...task,
    lastStatus: "STOPPED",
    spec: { ...task.spec, desiredStatus: "STOPPED", stopReason: stop.reason },
    stopCode: task.stopCode ?? stop.code ?? "ServiceSchedulerInitiated",
    stoppedReason: stop.reason,
    stoppingAtMs: task.stoppingAtMs ?? stop.nowMs,
    stoppedAtMs: stop.nowMs,
    version: task.version + 1,
  };
}

/** The containers of a definition with a run's container overrides merged in by name. */
export function applyOverrides(definitions: readonly ContainerDefinition[], overrides: TaskOverride): ContainerDefinition[] {
  return definitions.map((c) => {
    const o = overrides.containerOverrides?.find((x) => x.name === c.name);
    if (!o) return c;
    const env = new Map((c.environment ?? []).map((e) => [e.name, e.value]));
    for (const e of o.environment ?? []) env.set(e.name, e.value);
    return {
      ...c,
      command: o.command ?? c.command,
      environment: [...env].map(([name, value]) => ({ name, value })),
      cpu: o.cpu ?? c.cpu,
      memory: o.memory ?? c.memory,
      memoryReservation: o.memoryReservation ?? c.memoryReservation,
      resourceRequirements: o.resourceRequirements ?? c.resourceRequirements,
    };
  });
}

/** The whole GPUs a task's containers ask for (`resourceRequirements` of type GPU). */
export const gpuCountOf = (containers: readonly ContainerDefinition[]): number =>
  containers.reduce((n, c) => n + (c.resourceRequirements ?? []).filter((r) => r.type === "GPU").reduce((m, r) => m + Number(r.value ?? 0), 0), 0);

/**
 * What a task holds on its instance: task-level cpu/memory when set, else the containers' sum
 * (memoryReservation when given, else the hard limit, as ECS places), and its static host ports.
 * An awsvpc task's ports are on its own address, not the host's: it reserves none.
 */
export function reservationOf(td: TaskDefinition, containers: readonly ContainerDefinition[], overrides: TaskOverride): Reservation {
  const sum = (f: (c: ContainerDefinition) => number): number => containers.reduce((n, c) => n + f(c), 0);
  const cpu = Number(overrides.cpu ?? td.cpu ?? sum((c) => c.cpu ?? 0));
  const memory = Number(overrides.memory ?? td.memory ?? sum((c) => c.memoryReservation ?? c.memory ?? 0));
  const mode = td.networkMode ?? "bridge";
  const ports = (protocol: "tcp" | "udp"): number[] =>
    containers.flatMap((c) =>
      (c.portMappings ?? [])
        .filter((p) => (p.protocol ?? "tcp") === protocol)
        .map((p) => (mode === "awsvpc" ? 0 : mode === "host" ? (p.hostPort ?? p.containerPort ?? 0) : (p.hostPort ?? 0)))
        .filter((p) => p > 0),
    );
  return { cpu, memory, tcpPorts: ports("tcp"), udpPorts: ports("udp") };
}
