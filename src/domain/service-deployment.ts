import type {
  CapacityProviderStrategyItem,
  ContainerImage,
  LoadBalancer,
  NetworkConfiguration,
  ServiceDeploymentLifecycleStage,
  ServiceDeploymentStatus,
  ServiceRevisionLoadBalancer,
} from "@aws-sdk/client-ecs";
import type { Partition } from "./arn.js";

/**
 * ECS's service deployments and service revisions as resources (ListServiceDeployments,
 * DescribeServiceDeployments, DescribeServiceRevisions, StopServiceDeployment). Berth derives them
 * from the service record's deployments (controller/services/history-rules.ts): each deployment
 * that UpdateService or CreateService starts is one service deployment with one target revision;
 * a rollback (circuit breaker or StopServiceDeployment) belongs to the deployment it rolls back and
 * targets the revision it returns to.
 *
 * Retention: ECS keeps service deployments 90 days. Berth keeps each service's newest
 * `historyLimit` service deployments, in the service record, and the revisions they name.
 */
export const historyLimit = 20;

/** Statuses a service deployment leaves no more. */
export const finishedStatuses: ReadonlySet<ServiceDeploymentStatus> = new Set(["SUCCESSFUL", "STOPPED", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED"]);

/** A service's deployment configuration: in the service record, and in each service deployment as it was when it started. */
export interface DeploymentConfig {
  readonly minimumHealthyPercent: number;
  readonly maximumPercent: number;
  readonly circuitBreaker: CircuitBreakerConfig;
  /** CloudWatch alarms that fail a deployment when one goes to ALARM (controller/services/deployment-alarms.ts). */
  readonly alarms?: DeploymentAlarmsConfig | undefined;
  /** ROLLING when unset; BLUE_GREEN, LINEAR and CANARY shift traffic between target groups: domain/blue-green.ts. */
  readonly strategy?: "ROLLING" | TrafficShiftStrategy | undefined;
  /** How long both revisions run after all production traffic shifted (0 to 1,440; ECS's default 0). */
  readonly bakeTimeInMinutes?: number | undefined;
  /** LINEAR: the share of production traffic each step moves, and the wait between steps. */
  readonly linear?: { readonly stepPercent: number; readonly stepBakeTimeInMinutes: number } | undefined;
  /** CANARY: the share of production traffic the first step moves, and the wait before the rest. */
  readonly canary?: { readonly canaryPercent: number; readonly canaryBakeTimeInMinutes: number } | undefined;
  /**
   * A rolling update's early success (`earlySuccessCriteria`): it completes once `healthyPercent` of
   * the desired count runs healthy on the new revision, with the old tasks gone first (BLOCKING) or
   * after (DEFERRED); the rollout goes on to the whole count either way.
   */
  readonly earlySuccess?: { readonly healthyPercent: number; readonly cleanup: "BLOCKING" | "DEFERRED" } | undefined;
}

/** The strategies that run a new deployment beside the old one and shift traffic between target groups. */
export type TrafficShiftStrategy = "BLUE_GREEN" | "LINEAR" | "CANARY";

export interface CircuitBreakerConfig {
  readonly enable: boolean;
  readonly rollback: boolean;
  /** Whether a task of the deployment that becomes healthy sets its failure count back to 0 (ECS's default: true). */
  readonly resetOnHealthyTask?: boolean | undefined;
  /** How many failures fail the deployment (ECS's default: BOUNDED_PERCENT 50). */
  readonly threshold?: { readonly type: "BOUNDED_PERCENT" | "UNBOUNDED_PERCENT" | "COUNT"; readonly value: number } | undefined;
}

export interface DeploymentAlarmsConfig {
  readonly alarmNames: readonly string[];
  readonly enable: boolean;
  readonly rollback: boolean;
}

/**
 * How CloudWatch alarms watch one deployment (controller/services/deployment-alarms.ts): MONITORING
 * while it rolls out and bakes, TRIGGERED once one went to ALARM (the deployment failed),
 * MONITORING_COMPLETE once it baked without one, DISABLED when one was in ALARM already as it
 * started (ECS then does not watch that deployment).
 */
export interface AlarmWatch {
  readonly status: "MONITORING" | "TRIGGERED" | "MONITORING_COMPLETE" | "DISABLED";
  readonly alarmNames: readonly string[];
  readonly triggered?: readonly string[] | undefined;
  /** When the deployment first reached its steady state: it completes once the bake time has passed since. */
  readonly bakeFromMs?: number | undefined;
}

/** One service revision: what a deployment runs, as the service was configured when it started. */
export interface ServiceRevisionRecord {
  readonly id: string;
  readonly taskDefinitionArn: string;
  readonly capacityProviderStrategy?: readonly CapacityProviderStrategyItem[] | undefined;
  readonly loadBalancers?: readonly LoadBalancer[] | undefined;
  readonly networkConfiguration?: NetworkConfiguration | undefined;
  /**
   * ECS's version consistency: the manifest each container's image tag named when the revision's
   * deployment started (read from Berth's registry, or reported by its first task for another
   * registry: controller/services/image-pins.ts). The revision's later tasks (scale-out, replacements, a rollback to it) run
   * these, whatever the tags name by then. Containers with `versionConsistency: disabled`, or an
   * image given by digest or built on the host, have none.
   */
  readonly containerImages?: readonly ContainerImage[] | undefined;
  /** A blue/green revision: the target group of each load balancer its tasks registered in, and the production rule (ECS's resolvedConfiguration). */
  readonly resolvedLoadBalancers?: readonly ServiceRevisionLoadBalancer[] | undefined;
  readonly createdAtMs: number;
}

/** A revision a service deployment replaces (or returns to), and the deployment whose tasks run it. */
export interface RevisionRef {
  readonly revisionId: string;
  readonly deploymentId: string;
}

export interface ServiceDeploymentRecord {
  readonly id: string;
  /** The service's deployment (`ecs-svc/…`) whose tasks run the target revision. */
  readonly deploymentId: string;
  readonly status: ServiceDeploymentStatus;
  readonly statusReason: string;
  readonly sources: readonly RevisionRef[];
  readonly targetRevisionId: string;
  /** The service's deployment configuration when the deployment started. */
  readonly deploymentConfiguration: DeploymentConfig;
  /** Set once StopServiceDeployment asked for a rollback; the reconciler starts it. */
  readonly rollbackRequestedAtMs?: number | undefined;
  readonly rollback?: (RevisionRef & { readonly reason: string; readonly startedAtMs: number }) | undefined;
  /** Whether the circuit breaker failed this deployment. */
  readonly circuitBreakerTriggered?: boolean | undefined;
  /** How its deployment alarms watched it (the target deployment's, kept once that is gone). */
  readonly alarmWatch?: AlarmWatch | undefined;
  /** A blue/green deployment's stage (its target deployment's, kept once that is gone). */
  readonly lifecycleStage?: ServiceDeploymentLifecycleStage | undefined;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  readonly finishedAtMs?: number | undefined;
  readonly stoppedAtMs?: number | undefined;
}

/** A service deployment's or revision's id as ECS writes them: the deployment's digits. */
export const historyIdOf = (deploymentId: string): string => deploymentId.replace(/^ecs-svc\//, "");

const prefix = (p: Partition): string => `arn:aws:ecs:${p.region}:${p.accountId}:`;

export const serviceDeploymentArn = (p: Partition, cluster: string, service: string, id: string): string =>
  `${prefix(p)}service-deployment/${cluster}/${service}/${id}`;
export const serviceRevisionArn = (p: Partition, cluster: string, service: string, id: string): string =>
  `${prefix(p)}service-revision/${cluster}/${service}/${id}`;

/** The parts of a service-deployment or service-revision ARN, or undefined when it is not one of `kind`. */
export function parseHistoryArn(
  arn: string,
  kind: "service-deployment" | "service-revision",
): { readonly region: string; readonly accountId: string; readonly cluster: string; readonly service: string; readonly id: string } | undefined {
  const m = /^arn:aws:ecs:([a-z0-9-]+):(\d{12}):([a-z-]+)\/([A-Za-z0-9_-]{1,255})\/([A-Za-z0-9_-]{1,255})\/([A-Za-z0-9_-]{1,255})$/.exec(arn);
  if (!m || m[3] !== kind) return undefined;
  return { region: m[1]!, accountId: m[2]!, cluster: m[4]!, service: m[5]!, id: m[6]! };
}

/** The service deployment a deployment (`ecs-svc/…`) belongs to: the one it is the target of, or whose rollback it is. */
export const ownerOf = (history: readonly ServiceDeploymentRecord[], deploymentId: string): ServiceDeploymentRecord | undefined =>
  history.find((h) => h.deploymentId === deploymentId || h.rollback?.deploymentId === deploymentId);

/** The id of the revision a deployment's tasks run: its service deployment's target, or the one its rollback returns to. */
export function revisionIdOf(history: readonly ServiceDeploymentRecord[], deploymentId: string): string | undefined {
  const h = ownerOf(history, deploymentId);
  return h?.rollback?.deploymentId === deploymentId ? h.rollback.revisionId : h?.targetRevisionId;
}

/** The revision a deployment of the service runs (revisionIdOf), as the service record keeps it. */
export function revisionOf(
  service: { readonly serviceDeployments?: readonly ServiceDeploymentRecord[] | undefined; readonly serviceRevisions?: readonly ServiceRevisionRecord[] | undefined },
  deploymentId: string,
): ServiceRevisionRecord | undefined {
  const id = revisionIdOf(service.serviceDeployments ?? [], deploymentId);
  return id === undefined ? undefined : service.serviceRevisions?.find((r) => r.id === id);
}

/** The digests a deployment's new tasks run, by container name (the task spec's `imageDigests`); undefined when none are pinned. */
export function pinnedDigests(revision: ServiceRevisionRecord | undefined): Readonly<Record<string, string>> | undefined {
  const pinned = (revision?.containerImages ?? []).filter((c) => c.containerName !== undefined && c.imageDigest !== undefined);
  return pinned.length === 0 ? undefined : Object.fromEntries(pinned.map((c) => [c.containerName!, c.imageDigest!]));
}
