/**
 * The placement engine's inputs and outputs. The caller (RunTask, the service reconciler) builds
 * `InstanceSnapshot`s from the store, describes what one task needs in a `PlacementRequest`, and
 * gets back `PlacementResult`: where each task goes, or ECS-shaped failures plus an explanation.
 */
import type { Expression } from "./query/ast.js";
import type { FailureReason } from "./reasons.js";

/** ECS container instance statuses. Only ACTIVE instances take new tasks. */
export const InstanceStatus = {
  registering: "REGISTERING",
  registrationFailed: "REGISTRATION_FAILED",
  active: "ACTIVE",
  draining: "DRAINING",
  deregistering: "DEREGISTERING",
  inactive: "INACTIVE",
} as const;
export type InstanceStatus = (typeof InstanceStatus)[keyof typeof InstanceStatus];

/** What the engine knows about one container instance at the moment of the decision. */
export interface InstanceSnapshot {
  /** The container instance id (the last part of its ARN); spread(instanceId) and results use it. */
  readonly id: string;
  readonly arn: string;
  readonly status: InstanceStatus;
  readonly agentConnected: boolean;
  readonly agentVersion?: string;
  readonly ec2InstanceId?: string;
  /** Epoch milliseconds. */
  readonly registeredAtMs: number;
  /** CPU units and MiB as registered (registeredResources). */
  readonly registeredCpu: number;
  readonly registeredMemory: number;
  /** CPU units and MiB not reserved by non-stopped tasks (remainingResources). */
  readonly remainingCpu: number;
  readonly remainingMemory: number;
  /** Host ports taken: the agent's reserved ports plus static host ports of non-stopped tasks. */
  readonly usedTcpPorts: readonly number[];
  readonly usedUdpPorts: readonly number[];
  /** GPU ids registered on the instance, and those held by non-stopped tasks. */
  readonly gpuIds?: readonly string[];
  readonly usedGpuIds?: readonly string[];
  /** Attributes by name (`ecs.availability-zone`, custom ones); null for an attribute without a value. */
  readonly attributes: ReadonlyMap<string, string | null>;
  /** Tasks with desiredStatus RUNNING on the instance (the field ECS reports and queries). */
  readonly runningTasksCount: number;
  /** Non-stopped tasks on the instance per task group (`service:web`, `family:batch`). */
  readonly taskGroups: ReadonlyMap<string, number>;
}

/** A memberOf constraint may carry its expression already parsed (by whoever validated it), so no one parses it twice. */
export type PlacementConstraint =
  | { readonly type: "distinctInstance" }
  | { readonly type: "memberOf"; readonly expression: string; readonly parsed?: Expression | undefined };

/**
 * `spread` fields: `instanceId` (or its alias `host`) or `attribute:<name>`. `binpack` fields: `cpu`, `memory`.
 * Strategies apply in order; each later one only breaks the ties the earlier ones leave.
 */
export type PlacementStrategy =
  | { readonly type: "binpack"; readonly field: "cpu" | "memory" }
  | { readonly type: "spread"; readonly field: string }
  | { readonly type: "random" };

/** What one task needs; `count` identical tasks are placed. */
export interface PlacementRequest {
  readonly count: number;
  /** The task group: `service:<name>` for service tasks, `family:<family>` by default for RunTask. */
  readonly group: string;
  /** CPU units and MiB to reserve per task. */
  readonly cpu: number;
  readonly memory: number;
  readonly gpuCount?: number;
  /** Static host ports per task (host or bridge networking with a fixed hostPort). */
  readonly tcpPorts?: readonly number[];
  readonly udpPorts?: readonly number[];
  /**
   * Host ports the agent will pick from its ephemeral range (hostPort 0). Not checked here, as
   * ECS does not track them; passed through so that the caller knows how many to expect.
   */
  readonly dynamicPortCount?: number;
  /** The task definition's requiresAttributes: each must exist on the instance, with this value if given. */
  readonly requiredAttributes?: readonly { readonly name: string; readonly value?: string }[];
  readonly constraints?: readonly PlacementConstraint[];
  /** Empty or absent: ties broken at random, which is RunTask's default. Services pass `replicaServiceDefaultStrategy`. */
  readonly strategies?: readonly PlacementStrategy[];
}

/** Where one task goes and which host resources it holds there. */
export interface Placement {
  readonly instanceId: string;
  readonly instanceArn: string;
  readonly tcpPorts: readonly number[];
  readonly udpPorts: readonly number[];
  readonly gpuIds: readonly string[];
  readonly dynamicPortCount: number;
}

/** ECS's Failure shape: one entry per container instance that was rejected. `detail` is Berth's own wording. */
export interface PlacementFailure {
  readonly arn: string;
  readonly reason: FailureReason;
  readonly detail: string;
}

/** How many instances were rejected for one reason (each instance counts once, under its first failed check). */
export interface ReasonCount {
  readonly reason: FailureReason;
  readonly count: number;
  /** For memberOf: the expression that failed. */
  readonly constraint?: string;
}

/** Why tasks could not be placed, for people: counts per reason, the closest fit, and a sentence. */
export interface PlacementExplanation {
  readonly unplacedCount: number;
  readonly instancesConsidered: number;
  /** Sorted by count, largest first; the counts add up to `instancesConsidered`. */
  readonly reasons: readonly ReasonCount[];
  /**
   * The instance that failed the fewest checks (ties: the most free memory, then CPU), preferring
   * instances that can take tasks at all (not INACTIVE, DRAINING or disconnected).
   */
  readonly closest?: {
    readonly instanceId: string;
    readonly instanceArn: string;
    readonly failed: readonly FailureReason[];
    /** ECS's service-event phrase, e.g. "has insufficient memory available". */
    readonly phrase: string;
  };
  readonly summary: string;
}

export interface PlacementResult {
  readonly placements: readonly Placement[];
  readonly failures: readonly PlacementFailure[];
  /** Present when fewer than `count` tasks were placed. */
  readonly explanation?: PlacementExplanation;
}

/** A seeded source of numbers in [0, 1), e.g. `seededRandom(42)`. */
export type Random = () => number;

/**
 * The attributes that say which instances share one host's ports (see host-ports.ts): instances
 * on one Docker engine (`berth.host-id`, the engine's id, set by the agent) whose addresses
 * (`berth.host-ip`, where the agent publishes host ports) overlap never get the same static host
 * port, whichever of them holds it.
 */
export const hostIdAttribute = "berth.host-id";
export const hostIpAttribute = "berth.host-ip";
/** The attribute an instance's Availability Zone is read from (spread placement, AZ rebalancing). */
export const zoneAttribute = "ecs.availability-zone";

/** The default of a REPLICA service without strategies: balance AZs, then instances (ecs-surface.md §5). */
export const replicaServiceDefaultStrategy: readonly PlacementStrategy[] = [
  { type: "spread", field: `attribute:${zoneAttribute}` },
  { type: "spread", field: "instanceId" },
];
