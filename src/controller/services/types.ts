import type { ContainerImage } from "@aws-sdk/client-ecs";
import type { TrafficOrder } from "../../domain/blue-green.js";
import type { ContainerInstanceStatus } from "../../domain/container-instance.js";
import type { ServiceRecord } from "../../domain/service.js";
import type { TaskRecord } from "../../domain/task.js";
import type { LostRule } from "../lost-instances/lost-tasks.js";

/** What the reconciler knows of one container instance of the service's cluster. */
export interface InstanceFacts {
  readonly arn: string;
  readonly status: ContainerInstanceStatus;
  readonly agentConnected: boolean;
  readonly agentDisconnectedAtMs?: number | undefined;
  /** DAEMON services: whether the service's constraints and required attributes admit this instance. */
  readonly daemonEligible: boolean;
  /** Its `ecs.availability-zone` attribute (Availability Zone rebalancing, az-rebalance.ts). */
  readonly zone?: string | undefined;
}

/** When an agent is lost (its service tasks are replaced): see lost-instances/lost-tasks.ts. */
export interface ReconcileSettings extends LostRule {
  /** A RUNNING task without container health checks counts as healthy after this long (ECS: 40 s). */
  readonly healthyAfterMs: number;
}

/** What the reconciler knows of one of the service's deployment alarms (deployment-alarms.ts). */
export interface AlarmFacts {
  readonly state: string;
  /** Its period × evaluation periods: how long it needs to judge what it watches. */
  readonly windowMs: number;
}

/** Everything one reconcile decides from. Time and the id of a deployment it may create are given. */
export interface ReconcileInput {
  readonly service: ServiceRecord;
  /** The service's tasks as the store's `ofService` returns them: alive ones and stops not yet observed. */
  readonly tasks: readonly TaskRecord[];
  readonly instances: readonly InstanceFacts[];
  readonly nowMs: number;
  /** Used only if this reconcile creates a deployment (a circuit-breaker rollback). */
  readonly newDeploymentId: string;
  readonly settings: ReconcileSettings;
  /** The deployment alarms the service names, by name (those that exist), when it has them enabled. */
  readonly alarms?: ReadonlyMap<string, AlarmFacts> | undefined;
  /**
   * Version consistency (image-pins.ts), for images in Berth's own registry: by deployment id, the
   * manifests their tags name now, for the containers its revision has not pinned yet; and every
   * such image of the service's deployments, whose tasks' reported digests are not taken.
   */
  readonly registryPins?: ReadonlyMap<string, readonly ContainerImage[]> | undefined;
  readonly ownImages?: ReadonlySet<string> | undefined;
}

/** Start `count` tasks of a deployment; on one instance (DAEMON), in one Availability Zone (rebalancing), or where placement chooses. */
export interface StartOrder {
  readonly deploymentId: string;
  readonly taskDefinitionArn: string;
  readonly count: number;
  readonly instanceArn?: string | undefined;
  readonly zone?: string | undefined;
}

/** Ask the agent to stop a task (desired status STOPPED). */
export interface StopOrder {
  readonly taskArn: string;
  readonly reason: string;
  /** A scale-in or deployment stop: not applied if the task is protected from scale-in when the plan is applied. */
  readonly unlessProtected?: boolean | undefined;
}

/**
 * What the runner applies, in one store write: tasks recorded STOPPED because their host is lost,
 * stops, starts, stops observed, listener rules turned (blue/green), the service's next record
 * (undefined when unchanged) and events.
 */
export interface ServicePlan {
  readonly lost: readonly StopOrder[];
  readonly stops: readonly StopOrder[];
  readonly starts: readonly StartOrder[];
  /** STOPPED tasks whose stop this plan has accounted for. */
  readonly observed: readonly string[];
  readonly traffic: readonly TrafficOrder[];
  readonly service: ServiceRecord | undefined;
  /** Messages without the "(service X) " prefix's timestamp/id; oldest first. */
  readonly events: readonly string[];
}

export const isEmptyPlan = (p: ServicePlan): boolean =>
  p.lost.length === 0 && p.stops.length === 0 && p.starts.length === 0 && p.observed.length === 0 && p.traffic.length === 0 && p.service === undefined && p.events.length === 0;
