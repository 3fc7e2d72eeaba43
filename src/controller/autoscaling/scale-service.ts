import { parseServiceResourceId } from "../../domain/autoscaling/resource-id.js";
import type { ScalableTargetRecord, ScalingActivityRecord } from "../../domain/autoscaling/records.js";
import { withDesiredCount } from "../../domain/desired-count.js";
import type { WriteTx } from "../../state/store.js";

/** How many events a service keeps (as the service scheduler keeps them). */
const eventsKept = 100;
/** How many activities of a scalable target are kept. */
export const activitiesKept = 1000;

export interface CapacityChange {
  readonly target: ScalableTargetRecord;
  readonly capacity: number;
  /** AWS's words for why: `monitor alarm … triggered policy …`, `scheduled action name … was triggered`. */
  readonly cause: string;
  /** The activity's description when it is not `Setting desired count to <n>.` (a scheduled action's min and max). */
  readonly description?: string | undefined;
  readonly direction?: "out" | "in" | undefined;
  readonly nowMs: number;
  readonly newId: () => string;
}

const uuid = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;

/**
 * Sets a service's desired count inside a write, as UpdateService does (`withDesiredCount`, the
 * version bumped, the service scheduler acting on the change log), with a service event and a
 * scaling activity in AWS's words, and the target's cooldown bookkeeping. A service that is gone or
 * not ACTIVE is a Failed activity. Returns the activity.
 */
export async function applyCapacity(tx: WriteTx, change: CapacityChange): Promise<ScalingActivityRecord> {
  const { target, capacity, nowMs } = change;
  const ref = parseServiceResourceId(target.resourceId);
  const service = ref && (await tx.services.get(ref.cluster, ref.service));
  const base = { id: uuid(change.newId()), resourceId: target.resourceId, dimension: target.dimension, cause: change.cause, startMs: nowMs, endMs: nowMs };
  const description = change.description ?? `Setting desired count to ${capacity}.`;
  if (!service || service.status !== "ACTIVE") {
    const failed: ScalingActivityRecord = { ...base, description, status: "Failed", statusMessage: `Failed to set desired count to ${capacity}. ECS service doesn't exist: ${target.resourceId}` };
    await tx.autoScaling.putTarget(target);
    await tx.autoScaling.addActivity(failed, activitiesKept);
    return failed;
  }
  const message = change.description
    ? `Successfully ${change.description.replace(/^Setting/, "set").replace(/\.$/, "")}${service.desiredCount !== capacity ? ` and desired count to ${capacity}` : ""}. Change successfully fulfilled by ecs.`
    : `Successfully set desired count to ${capacity}. Change successfully fulfilled by ecs.`;
  if (service.desiredCount !== capacity) {
    await tx.services.put({ ...withDesiredCount(service, capacity), version: service.version + 1 });
    await tx.services.addEvents(service.arn, [{ id: uuid(change.newId()), createdAtMs: nowMs, message: `Message: ${message} Cause: ${change.cause}` }], eventsKept);
  }
  const from = service.desiredCount;
  const scaled: ScalableTargetRecord =
    change.direction === "out" ? { ...target, lastScaleOut: { atMs: nowMs, from, to: capacity } } : change.direction === "in" ? { ...target, lastScaleInAtMs: nowMs } : target;
  await tx.autoScaling.putTarget(scaled);
  const done: ScalingActivityRecord = { ...base, description, status: "Successful", statusMessage: message };
  await tx.autoScaling.addActivity(done, activitiesKept);
  return done;
}
