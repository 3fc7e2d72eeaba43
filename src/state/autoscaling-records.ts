import type { ScalableTargetRecord, ScalingActivityRecord, ScalingPolicyRecord, ScheduledActionRecord } from "../domain/autoscaling/records.js";

export type { ScalableTargetRecord, ScalingActivityRecord, ScalingPolicyRecord, ScheduledActionRecord };

/** Application Auto Scaling's scalable targets, policies, scheduled actions and activities. Lists are ordered by resource id, then name. */
export interface AutoScalingReader {
  target(resourceId: string, dimension: string): Promise<ScalableTargetRecord | undefined>;
  targets(): Promise<ScalableTargetRecord[]>;
  policy(resourceId: string, dimension: string, name: string): Promise<ScalingPolicyRecord | undefined>;
  policyByArn(arn: string): Promise<ScalingPolicyRecord | undefined>;
  /** Every policy, or those of one resource. */
  policies(resourceId?: string): Promise<ScalingPolicyRecord[]>;
  scheduledAction(resourceId: string, dimension: string, name: string): Promise<ScheduledActionRecord | undefined>;
  scheduledActions(resourceId?: string): Promise<ScheduledActionRecord[]>;
  /** Scheduled actions due at or before `nowMs`, soonest first. */
  dueScheduledActions(nowMs: number, limit: number): Promise<ScheduledActionRecord[]>;
  /** Activities newest first, every resource's or one's. */
  activities(resourceId: string | undefined, limit: number): Promise<ScalingActivityRecord[]>;
}

export interface AutoScalingRepository extends AutoScalingReader {
  putTarget(t: ScalableTargetRecord): Promise<void>;
  /** Deletes the target with its policies and scheduled actions (as DeregisterScalableTarget does). */
  deleteTarget(resourceId: string, dimension: string): Promise<void>;
  putPolicy(p: ScalingPolicyRecord): Promise<void>;
  deletePolicy(resourceId: string, dimension: string, name: string): Promise<void>;
  putScheduledAction(a: ScheduledActionRecord): Promise<void>;
  deleteScheduledAction(resourceId: string, dimension: string, name: string): Promise<void>;
  /** Records an activity; keeps the newest `keep` of its resource. */
  addActivity(a: ScalingActivityRecord, keep: number): Promise<void>;
}
