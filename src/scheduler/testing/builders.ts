/**
 * Test builders for the scheduler: `anInstance({ remainingMemory: 256 })`, `aRequest({ cpu: 512 })`.
 * Defaults describe a healthy, empty t2.small-like instance in us-east-1a and a 1-task request.
 */
import type { InstanceSnapshot, PlacementRequest } from "../types.js";

/** The ports the ECS agent reserves by default (ECS_RESERVED_PORTS). */
export const agentReservedPorts = [22, 2375, 2376, 51678, 51679] as const;

export interface InstanceOverrides extends Partial<Omit<InstanceSnapshot, "attributes" | "taskGroups">> {
  readonly attributes?: Readonly<Record<string, string | null>>;
  readonly taskGroups?: Readonly<Record<string, number>>;
  /** Shorthand for the ecs.availability-zone attribute. */
  readonly az?: string;
}

let sequence = 0;

export function anInstance(overrides: InstanceOverrides = {}): InstanceSnapshot {
  const id = overrides.id ?? `ci-${(sequence++).toString().padStart(4, "0")}`;
  const registeredCpu = overrides.registeredCpu ?? 2048;
  const registeredMemory = overrides.registeredMemory ?? 4096;
  const { attributes, taskGroups, az, ...rest } = overrides;
  return {
    arn: `arn:aws:ecs:us-east-1:000000000000:container-instance/default/${id}`,
    status: "ACTIVE",
    agentConnected: true,
    agentVersion: "1.105.1",
    ec2InstanceId: `i-${id}`,
    registeredAtMs: Date.UTC(2026, 10, 1),
    registeredCpu,
    registeredMemory,
    remainingCpu: registeredCpu,
    remainingMemory: registeredMemory,
    usedTcpPorts: [...agentReservedPorts],
    usedUdpPorts: [],
    runningTasksCount: Object.values(taskGroups ?? {}).reduce((a, b) => a + b, 0),
    ...rest,
    id,
    attributes: new Map(Object.entries({ "ecs.availability-zone": az ?? "us-east-1a", "ecs.instance-type": "t2.small", ...attributes })),
    taskGroups: new Map(Object.entries(taskGroups ?? {})),
  };
}

export function aRequest(overrides: Partial<PlacementRequest> = {}): PlacementRequest {
  return { count: 1, group: "family:web", cpu: 256, memory: 512, ...overrides };
}

/** A random source that always returns the same sequence, for tests that need one. */
export const fixedRandom = (value = 0.5): (() => number) => () => value;
