import type { Attribute, Tag, VersionInfo } from "@aws-sdk/client-ecs";

export type ContainerInstanceStatus = "ACTIVE" | "DRAINING" | "INACTIVE";

/** What an instance offers, as its agent registered it. */
export interface InstanceResources {
  readonly cpu: number;
  readonly memory: number;
  /** Reserved host ports (ECS_RESERVED_PORTS / _UDP), never handed to tasks. */
  readonly reservedTcp: readonly number[];
  readonly reservedUdp: readonly number[];
}

export interface ContainerInstanceRecord {
  readonly arn: string;
  readonly id: string;
  readonly cluster: string;
  readonly ec2InstanceId: string;
  readonly status: ContainerInstanceStatus;
  readonly statusReason?: string | undefined;
  readonly registered: InstanceResources;
  readonly attributes: readonly Attribute[];
  readonly versionInfo: VersionInfo;
  readonly tags: readonly Tag[];
  readonly registeredAtMs: number;
  readonly agentConnected: boolean;
  /** When the agent's session was last lost (epoch ms); with `agentConnected` false, how long it has been gone. */
  readonly agentDisconnectedAtMs?: number | undefined;
  /** With several control-plane replicas (PostgreSQL): the one whose hub holds the agent's session. */
  readonly agentReplica?: string | undefined;
  /** Bumped on every change, as ECS's `version`. */
  readonly version: number;
}

/** Resources a task holds on its instance from placement until the agent reports it STOPPED. */
export interface Reservation {
  readonly cpu: number;
  readonly memory: number;
  readonly tcpPorts: readonly number[];
  readonly udpPorts: readonly number[];
}

export interface Remaining {
  readonly cpu: number;
  readonly memory: number;
  readonly usedTcp: ReadonlySet<number>;
  readonly usedUdp: ReadonlySet<number>;
}

/** What is left on an instance once the given reservations are taken. */
export function remainingResources(registered: InstanceResources, reservations: readonly Reservation[]): Remaining {
  const usedTcp = new Set(registered.reservedTcp);
  const usedUdp = new Set(registered.reservedUdp);
  let cpu = registered.cpu;
  let memory = registered.memory;
  for (const r of reservations) {
    cpu -= r.cpu;
    memory -= r.memory;
    r.tcpPorts.forEach((p) => usedTcp.add(p));
    r.udpPorts.forEach((p) => usedUdp.add(p));
  }
  return { cpu, memory, usedTcp, usedUdp };
}
