import type { ContainerDefinition, Tag, TaskDefinition, TaskOverride } from "@aws-sdk/client-ecs";
import type { TaskReport, TaskSpec } from "../agent-protocol/messages.js";
import type { Reservation } from "./container-instance.js";
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
  readonly launchType: "EC2";
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
  /** Bumped on every state change, as ECS's `version`. */
  readonly version: number;
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
    };
  });
}

/**
 * What a task holds on its instance: task-level cpu/memory when set, else the containers' sum
 * (memoryReservation when given, else the hard limit, as ECS places), and its static host ports.
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
        .map((p) => (mode === "host" || mode === "awsvpc" ? (p.hostPort ?? p.containerPort ?? 0) : (p.hostPort ?? 0)))
        .filter((p) => p > 0),
    );
  return { cpu, memory, tcpPorts: ports("tcp"), udpPorts: ports("udp") };
}
