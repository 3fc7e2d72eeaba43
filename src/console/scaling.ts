/**
 * How Application Auto Scaling drives a service's desired count, as the service page shows it:
 * its scalable target's bounds, its policies and scheduled actions in a line each, and its
 * activities newest first with their causes. Pure.
 */
import type { ScalableTarget, ScalingActivity, ScalingPolicy, ScheduledAction } from "@aws-sdk/client-application-auto-scaling";

/** The resource id Application Auto Scaling gives an ECS service: `service/<cluster>/<service>`. */
export const scalingResourceId = (cluster: string, service: string): string => `service/${cluster}/${service}`;

export interface ScalingTargetFacts {
  readonly capacity: string;
  /** Which kinds of scaling are suspended, or "none". */
  readonly suspended: string;
}

export function targetFacts(t: ScalableTarget): ScalingTargetFacts {
  const s = t.SuspendedState;
  const suspended = [s?.DynamicScalingInSuspended && "scale-in", s?.DynamicScalingOutSuspended && "scale-out", s?.ScheduledScalingSuspended && "scheduled"].filter(Boolean);
  return { capacity: `${t.MinCapacity ?? "–"} to ${t.MaxCapacity ?? "–"} tasks`, suspended: suspended.length === 0 ? "none" : suspended.join(", ") };
}

export interface RuleRow {
  readonly name: string;
  readonly kind: string;
  readonly detail: string;
}

/** A policy in one line: `target tracking: ECSServiceAverageCPUUtilization at 50`, `step scaling: ChangeInCapacity on alarm high-cpu`. */
export function policyRow(p: ScalingPolicy): RuleRow {
  const tracking = p.TargetTrackingScalingPolicyConfiguration;
  if (tracking) {
    const metric = tracking.PredefinedMetricSpecification?.PredefinedMetricType ?? tracking.CustomizedMetricSpecification?.MetricName ?? "a metric";
    return { name: p.PolicyName ?? "", kind: "target tracking", detail: `${metric} at ${tracking.TargetValue ?? "–"}` };
  }
  const step = p.StepScalingPolicyConfiguration;
  const alarms = (p.Alarms ?? []).map((a) => a.AlarmName).filter(Boolean);
  if (step) return { name: p.PolicyName ?? "", kind: "step scaling", detail: `${step.AdjustmentType ?? ""}${alarms.length > 0 ? ` on alarm ${alarms.join(", ")}` : ""}` };
  return { name: p.PolicyName ?? "", kind: p.PolicyType ?? "", detail: "" };
}

/** A scheduled action in one line: its schedule and the bounds it sets. */
export function scheduledRow(a: ScheduledAction): RuleRow {
  const set = a.ScalableTargetAction;
  const bounds = [set?.MinCapacity !== undefined && `min ${set.MinCapacity}`, set?.MaxCapacity !== undefined && `max ${set.MaxCapacity}`].filter(Boolean).join(", ");
  return { name: a.ScheduledActionName ?? "", kind: "scheduled", detail: `${a.Schedule ?? ""}${a.Timezone ? ` (${a.Timezone})` : ""}${bounds ? `: ${bounds}` : ""}` };
}

export interface ActivityRow {
  readonly startedAt: Date | undefined;
  readonly status: string;
  readonly description: string;
  readonly cause: string;
  readonly message: string;
}

/** Activities newest first, each with what it did, why, and how it ended. */
export const activityRows = (activities: readonly ScalingActivity[]): ActivityRow[] =>
  [...activities]
    .sort((a, b) => (b.StartTime?.getTime() ?? 0) - (a.StartTime?.getTime() ?? 0))
    .map((a) => ({ startedAt: a.StartTime, status: a.StatusCode ?? "", description: a.Description ?? "", cause: a.Cause ?? "", message: a.StatusMessage ?? "" }));
