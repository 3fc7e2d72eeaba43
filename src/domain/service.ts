import { greenTargetGroups, shiftsTraffic, type BlueGreenState, type ProductionTraffic } from "./blue-green.js";
import type { OfferedLaunchType } from "./launch-type.js";
import type { AlarmWatch, CircuitBreakerConfig, DeploymentConfig, ServiceDeploymentRecord, ServiceRevisionRecord } from "./service-deployment.js";

export type { AlarmWatch, CircuitBreakerConfig, DeploymentAlarmsConfig, DeploymentConfig } from "./service-deployment.js";
import type { TaskSetRecord } from "./task-set.js";
import type { CapacityProviderStrategyItem, LoadBalancer, NetworkConfiguration, PlacementConstraint, PlacementStrategy, Tag } from "@aws-sdk/client-ecs";

/**
 * An ECS service as the control plane keeps it: what the user asked for (desired count, deployment
 * configuration, placement), its deployments (newest first, the PRIMARY one at the head) and the
 * reconciler's bookkeeping (start throttling, steady-state notice). Events live in their own table.
 */
export const ServiceStatus = { active: "ACTIVE", draining: "DRAINING", inactive: "INACTIVE" } as const;
export type ServiceStatus = (typeof ServiceStatus)[keyof typeof ServiceStatus];

export const SchedulingStrategy = { replica: "REPLICA", daemon: "DAEMON" } as const;
export type SchedulingStrategy = (typeof SchedulingStrategy)[keyof typeof SchedulingStrategy];

export const RolloutState = { inProgress: "IN_PROGRESS", completed: "COMPLETED", failed: "FAILED" } as const;
export type RolloutState = (typeof RolloutState)[keyof typeof RolloutState];

/** One deployment: the tasks of one task-definition revision (or one forced redeploy). */
export interface DeploymentRecord {
  /** `ecs-svc/<19 digits>`; service tasks carry it as their `startedBy`. */
  readonly id: string;
  /** PRIMARY is the newest; ACTIVE ones still have tasks to drain. INACTIVE ones are dropped. */
  readonly status: "PRIMARY" | "ACTIVE";
  readonly taskDefinitionArn: string;
  readonly desiredCount: number;
  readonly runningCount: number;
  readonly pendingCount: number;
  /** Tasks of this deployment that stopped unexpectedly while it was IN_PROGRESS (the circuit breaker's count). */
  readonly failedTasks: number;
  /** How many of its tasks were healthy at the last reconcile: one more sets `failedTasks` back to 0 (resetOnHealthyTask). */
  readonly healthyTasks?: number | undefined;
  /** Set when deployment alarms watch it. */
  readonly alarmWatch?: AlarmWatch | undefined;
  /** A blue/green deployment's progress (domain/blue-green.ts). */
  readonly blueGreen?: BlueGreenState | undefined;
  readonly rolloutState: RolloutState;
  readonly rolloutStateReason: string;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export interface ServiceRecord {
  readonly arn: string;
  readonly name: string;
  readonly cluster: string;
  readonly clusterArn: string;
  readonly status: ServiceStatus;
  readonly schedulingStrategy: SchedulingStrategy;
  /** REPLICA: as asked. DAEMON: the number of instances that should run one task (kept by the reconciler). */
  readonly desiredCount: number;
  /** The PRIMARY deployment's task definition. */
  readonly taskDefinitionArn: string;
  readonly launchType: OfferedLaunchType;
  /** The strategy its tasks are launched by (the request's, or the cluster's default at creation); then ECS shows no launchType. */
  readonly capacityProviderStrategy?: readonly CapacityProviderStrategyItem[] | undefined;
  /** awsvpc task definitions: the interface settings of its tasks (domain/awsvpc/), as ECS shows them. */
  readonly networkConfiguration?: NetworkConfiguration | undefined;
  /** ECS (rolling deployments, the default) or EXTERNAL: tasks run only through task sets. */
  readonly deploymentController?: "ECS" | "EXTERNAL" | undefined;
  /** An EXTERNAL service's task sets, oldest first (domain/task-set.ts). */
  readonly taskSets?: readonly TaskSetRecord[] | undefined;
  readonly deploymentConfiguration: DeploymentConfig;
  readonly placementConstraints: readonly PlacementConstraint[];
  readonly placementStrategy: readonly PlacementStrategy[];
  readonly healthCheckGracePeriodSeconds: number;
  /** Target groups each task registers in (ELBv2, issue 11): `targetGroupArn`, `containerName`, `containerPort`. */
  readonly loadBalancers?: readonly LoadBalancer[] | undefined;
  readonly propagateTags?: string | undefined;
  readonly enableECSManagedTags: boolean;
  readonly tags: readonly Tag[];
  /** Newest first; the first is PRIMARY. */
  readonly deployments: readonly DeploymentRecord[];
  /** Service deployments, newest first, and the revisions they name (domain/service-deployment.ts; bounded). */
  readonly serviceDeployments?: readonly ServiceDeploymentRecord[] | undefined;
  readonly serviceRevisions?: readonly ServiceRevisionRecord[] | undefined;
  /** ECS's Availability Zone rebalancing (domain/az-rebalancing.ts); unset on services made before Berth had it: DISABLED. */
  readonly availabilityZoneRebalancing?: "ENABLED" | "DISABLED" | undefined;
  /** Set while the service is not AZ balanced and rebalancing (its "is AZ balanced" event is then due). */
  readonly rebalancing?: boolean | undefined;
  /** Blue/green: the deployment production traffic goes to, once one shifted it (before that: each load balancer's targetGroupArn). */
  readonly production?: ProductionTraffic | undefined;
  /** The last deployment that reached COMPLETED: where a circuit-breaker rollback returns to. */
  readonly lastCompleted?: { readonly deploymentId: string; readonly taskDefinitionArn: string } | undefined;
  /** Consecutive tasks of the PRIMARY deployment that stopped before reaching RUNNING (ECS's start throttling). */
  readonly startFailures: number;
  /** No task starts before this time (epoch ms) while throttled. */
  readonly nextStartAtMs?: number | undefined;
  /** When the "has reached a steady state." event was last written; cleared when the service leaves it. */
  readonly steadyNoticeAtMs?: number | undefined;
  readonly createdAtMs: number;
  readonly createdBy?: string | undefined;
  /** CreateService's `role`, as the full IAM role ARN ECS stores and returns. */
  readonly roleArn?: string | undefined;
  /** Bumped on every change; the reconciler's apply step refuses to write over a newer version. */
  readonly version: number;
}

export interface ServiceEventRecord {
  readonly id: string;
  readonly createdAtMs: number;
  readonly message: string;
}

/** The task group of a service's tasks, as ECS names it. */
export const serviceGroup = (serviceName: string): string => `service:${serviceName}`;

/** The PRIMARY deployment (deployments are kept newest first). */
export function primaryDeployment(s: ServiceRecord): DeploymentRecord | undefined {
  return s.deployments[0];
}

/** ECS's defaults: REPLICA 100/200, DAEMON 0/100. */
export function defaultDeploymentConfig(strategy: SchedulingStrategy): DeploymentConfig {
  return strategy === "DAEMON"
    ? { minimumHealthyPercent: 0, maximumPercent: 100, circuitBreaker: { enable: false, rollback: false } }
    : { minimumHealthyPercent: 100, maximumPercent: 200, circuitBreaker: { enable: false, rollback: false } };
}

/**
 * The circuit breaker's failure threshold (the API reference's ThresholdConfiguration): by default
 * 50 % of the desired count, at least 3 and at most 200 (BOUNDED_PERCENT; older guides said at
 * least 10); UNBOUNDED_PERCENT without those bounds (at least 1); COUNT the value itself.
 */
export function circuitBreakerThreshold(desiredCount: number, threshold: CircuitBreakerConfig["threshold"] = { type: "BOUNDED_PERCENT", value: 50 }): number {
  const share = Math.ceil((desiredCount * threshold.value) / 100);
  if (threshold.type === "COUNT") return threshold.value;
  return threshold.type === "UNBOUNDED_PERCENT" ? Math.max(1, share) : Math.min(200, Math.max(3, share));
}

/**
 * The service with a new PRIMARY deployment (a new revision, forceNewDeployment, a placement
 * change, a rollback): the previous ones become ACTIVE and drain (a rolling update) or keep serving until
 * production traffic has shifted and baked (blue/green); start throttling starts afresh.
 */
export function withNewDeployment(s: ServiceRecord, d: { readonly id: string; readonly taskDefinitionArn: string; readonly nowMs: number; readonly reason?: string }): ServiceRecord {
  const deployment: DeploymentRecord = {
    id: d.id,
    status: "PRIMARY",
    taskDefinitionArn: d.taskDefinitionArn,
    desiredCount: s.desiredCount,
    runningCount: 0,
    pendingCount: 0,
    failedTasks: 0,
    ...(shiftsTraffic(s.deploymentConfiguration) && {
      blueGreen: { stage: "SCALE_UP", targetGroups: greenTargetGroups(s), from: s.production?.deploymentId ?? s.lastCompleted?.deploymentId },
    }),
    rolloutState: "IN_PROGRESS",
    rolloutStateReason: d.reason ?? `ECS deployment ${d.id} in progress.`,
    createdAtMs: d.nowMs,
    updatedAtMs: d.nowMs,
  };
  return {
    ...s,
    taskDefinitionArn: d.taskDefinitionArn,
    startFailures: 0,
    nextStartAtMs: undefined,
    steadyNoticeAtMs: undefined,
    deployments: [deployment, ...s.deployments.map((x) => ({ ...x, status: "ACTIVE" as const }))],
  };
}

/** A deployment id as ECS writes them: `ecs-svc/` and 19 digits. */
export const newDeploymentId = (random: () => number): string =>
  `ecs-svc/${Array.from({ length: 19 }, (_, i) => (i === 0 ? 1 + Math.floor(random() * 9) : Math.floor(random() * 10))).join("")}`;
