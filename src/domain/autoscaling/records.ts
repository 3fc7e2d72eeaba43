import type { MetricQuery } from "../metrics/queries.js";
/**
 * Application Auto Scaling's resources as Berth keeps them (documents in the store, migration 16).
 * Only ECS services' desired count is a scalable dimension here.
 */

export const ecsDesiredCount = "ecs:service:DesiredCount";

export interface SuspendedState {
  readonly dynamicScalingInSuspended: boolean;
  readonly dynamicScalingOutSuspended: boolean;
  readonly scheduledScalingSuspended: boolean;
}

/** A registered scalable target, with what its cooldowns need to know of its last scaling. */
export interface ScalableTargetRecord {
  /** `service/<cluster>/<service>` */
  readonly resourceId: string;
  readonly dimension: string;
  readonly arn: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly roleArn: string;
  readonly suspended: SuspendedState;
  readonly createdAtMs: number;
  /** The last scale-out by a policy: when, and the capacity it set (a scale-out inside its cooldown must go higher). */
  readonly lastScaleOut?: { readonly atMs: number; readonly from: number; readonly to: number } | undefined;
  readonly lastScaleInAtMs?: number | undefined;
}

export type AdjustmentType = "ChangeInCapacity" | "PercentChangeInCapacity" | "ExactCapacity";
export type MetricAggregationType = "Average" | "Minimum" | "Maximum";

export interface StepAdjustment {
  readonly lower?: number | undefined;
  readonly upper?: number | undefined;
  readonly adjustment: number;
}

export interface StepScalingConfig {
  readonly adjustmentType: AdjustmentType;
  readonly steps: readonly StepAdjustment[];
  readonly minAdjustmentMagnitude?: number | undefined;
  readonly cooldownSeconds: number;
  readonly aggregation: MetricAggregationType;
}

export interface TrackedMetric {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: readonly { readonly name: string; readonly value: string }[];
  readonly statistic: "Average" | "Minimum" | "Maximum" | "SampleCount" | "Sum";
  readonly unit?: string | undefined;
}

export const ecsPredefinedMetrics = ["ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization", "ALBRequestCountPerTarget"] as const;
export type EcsPredefinedMetric = (typeof ecsPredefinedMetrics)[number];

export interface TargetTrackingConfig {
  readonly targetValue: number;
  /** The predefined metric type, when the policy names one (ECSServiceAverageCPUUtilization, …). */
  readonly predefined?: { readonly type: EcsPredefinedMetric; readonly resourceLabel?: string | undefined } | undefined;
  /** The customized metric as given, when the policy has one. */
  readonly customized?: TrackedMetric | undefined;
  /** A customized metric given as metric math (`CustomizedMetricSpecification.Metrics`), one query returning the tracked series. */
  readonly queries?: readonly MetricQuery[] | undefined;
  readonly scaleOutCooldownSeconds: number;
  readonly scaleInCooldownSeconds: number;
  readonly disableScaleIn: boolean;
}

export interface ScalingPolicyRecord {
  readonly arn: string;
  readonly name: string;
  readonly resourceId: string;
  readonly dimension: string;
  readonly type: "StepScaling" | "TargetTrackingScaling";
  readonly step?: StepScalingConfig | undefined;
  readonly targetTracking?: TargetTrackingConfig | undefined;
  /** The alarms target tracking created for the policy (AlarmHigh, AlarmLow). */
  readonly alarms: readonly { readonly name: string; readonly arn: string }[];
  readonly createdAtMs: number;
}

export interface ScheduledActionRecord {
  readonly arn: string;
  readonly name: string;
  readonly resourceId: string;
  readonly dimension: string;
  readonly schedule: string;
  readonly timezone?: string | undefined;
  readonly startMs?: number | undefined;
  readonly endMs?: number | undefined;
  readonly minCapacity?: number | undefined;
  readonly maxCapacity?: number | undefined;
  readonly createdAtMs: number;
  /** When it runs next; undefined once it has no run left. */
  readonly nextDueMs?: number | undefined;
}

export type ActivityStatus = "Successful" | "Failed";

export interface ScalingActivityRecord {
  readonly id: string;
  readonly resourceId: string;
  readonly dimension: string;
  readonly description: string;
  readonly cause: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly status: ActivityStatus;
  readonly statusMessage: string;
}
