import type { CapacityProviderStrategyItem, LoadBalancer, NetworkConfiguration, Tag } from "@aws-sdk/client-ecs";
import { invalidParameter } from "../errors/catalog.js";
import type { OfferedLaunchType } from "./launch-type.js";

/**
 * A task set of a service with the EXTERNAL deployment controller: a task definition and a scale
 * (a percentage of the service's desired count), its tasks started by the service scheduler
 * through the planner like a deployment's (their `startedBy` is the task set's id). Kept in its
 * service's record, so that a change of either is one conditional save on the change log.
 *
 * PRIMARY serves production traffic (UpdateServicePrimaryTaskSet), ACTIVE does not, DRAINING is
 * being deleted: its tasks are stopped, and once none is left it is forgotten.
 */
export type TaskSetStatus = "PRIMARY" | "ACTIVE" | "DRAINING";

export interface TaskSetRecord {
  /** `ecs-svc/` and 19 digits, as ECS writes them. */
  readonly id: string;
  readonly arn: string;
  readonly status: TaskSetStatus;
  readonly taskDefinitionArn: string;
  readonly externalId?: string | undefined;
  /** The percentage of the service's desired count this set runs. */
  readonly scalePercent: number;
  /** Where its tasks run: a launch type, or a capacity provider strategy (neither in records made before sets kept their own: the service's then). */
  readonly launchType?: OfferedLaunchType | undefined;
  readonly capacityProviderStrategy?: readonly CapacityProviderStrategyItem[] | undefined;
  /** The target groups its tasks register in (controller/load-balancing/target-plan.ts): an EXTERNAL service's load balancers are its task sets'. */
  readonly loadBalancers?: readonly LoadBalancer[] | undefined;
  /** awsvpc task definitions: its tasks' interface settings (the service's when the set was created without). */
  readonly networkConfiguration?: NetworkConfiguration | undefined;
  readonly tags: readonly Tag[];
  /** Counts and stability as the scheduler last saw them. */
  readonly runningCount: number;
  readonly pendingCount: number;
  readonly stabilityStatus: "STEADY_STATE" | "STABILIZING";
  readonly stabilityStatusAtMs: number;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

/** How many tasks a set runs: the service's desired count times its scale, rounded up (API reference, TaskSet). */
export const computedDesiredCount = (serviceDesiredCount: number, set: Pick<TaskSetRecord, "status" | "scalePercent">): number =>
  set.status === "DRAINING" ? 0 : Math.ceil((serviceDesiredCount * set.scalePercent) / 100 - 1e-9);

/** A scale as ECS takes it: a PERCENT from 0 to 100 (the model's unit; 100 when absent, as ECS defaults). */
export function checkScale(scale: { value?: number | undefined; unit?: string | undefined } | undefined): number {
  if (scale === undefined) return 100;
  if (scale.unit !== undefined && scale.unit !== "PERCENT") throw invalidParameter(`scale.unit must be PERCENT; got '${scale.unit.slice(0, 32)}'.`);
  const value = scale.value ?? 100;
  if (!Number.isFinite(value) || value < 0 || value > 100) throw invalidParameter(`scale.value must be a percentage from 0 to 100; got ${value}.`);
  return value;
}

/** The task sets with `id` made PRIMARY and the previous PRIMARY ACTIVE. */
export function withPrimary(sets: readonly TaskSetRecord[], id: string, nowMs: number): TaskSetRecord[] {
  return sets.map((s) => {
    if (s.id === id) return s.status === "PRIMARY" ? s : { ...s, status: "PRIMARY", updatedAtMs: nowMs };
    return s.status === "PRIMARY" ? { ...s, status: "ACTIVE", updatedAtMs: nowMs } : s;
  });
}
