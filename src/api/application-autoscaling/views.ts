import type { MetricQuery } from "../../domain/metrics/queries.js";
import type { ScalableTarget, ScalingActivity, ScalingPolicy, ScheduledAction } from "@aws-sdk/client-application-auto-scaling";
import type { ScalableTargetRecord, ScalingActivityRecord, ScalingPolicyRecord, ScheduledActionRecord } from "../../domain/autoscaling/records.js";

/** The model's shapes of Berth's records (timestamps as Dates: the front door writes them as epoch seconds). */
export const targetView = (t: ScalableTargetRecord): ScalableTarget => ({
  ServiceNamespace: "ecs",
  ResourceId: t.resourceId,
  ScalableDimension: "ecs:service:DesiredCount",
  MinCapacity: t.minCapacity,
  MaxCapacity: t.maxCapacity,
  RoleARN: t.roleArn,
  CreationTime: new Date(t.createdAtMs),
  SuspendedState: { DynamicScalingInSuspended: t.suspended.dynamicScalingInSuspended, DynamicScalingOutSuspended: t.suspended.dynamicScalingOutSuspended, ScheduledScalingSuspended: t.suspended.scheduledScalingSuspended },
  ScalableTargetARN: t.arn,
});

export function policyView(p: ScalingPolicyRecord): ScalingPolicy {
  const step = p.step;
  const tt = p.targetTracking;
  return {
    PolicyARN: p.arn,
    PolicyName: p.name,
    ServiceNamespace: "ecs",
    ResourceId: p.resourceId,
    ScalableDimension: "ecs:service:DesiredCount",
    PolicyType: p.type,
    ...(step && {
      StepScalingPolicyConfiguration: {
        AdjustmentType: step.adjustmentType,
        StepAdjustments: step.steps.map((s) => ({ MetricIntervalLowerBound: s.lower, MetricIntervalUpperBound: s.upper, ScalingAdjustment: s.adjustment })),
        MinAdjustmentMagnitude: step.minAdjustmentMagnitude,
        Cooldown: step.cooldownSeconds,
        MetricAggregationType: step.aggregation,
      },
    }),
    ...(tt && {
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: tt.targetValue,
        PredefinedMetricSpecification: tt.predefined && { PredefinedMetricType: tt.predefined.type, ResourceLabel: tt.predefined.resourceLabel },
        CustomizedMetricSpecification: tt.queries ? { Metrics: tt.queries.map(trackingQueryView) } : tt.customized && {
          Namespace: tt.customized.namespace,
          MetricName: tt.customized.name,
          Dimensions: tt.customized.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
          Statistic: tt.customized.statistic,
          Unit: tt.customized.unit,
        },
        ScaleOutCooldown: tt.scaleOutCooldownSeconds,
        ScaleInCooldown: tt.scaleInCooldownSeconds,
        DisableScaleIn: tt.disableScaleIn,
      },
    }),
    Alarms: p.alarms.map((a) => ({ AlarmName: a.name, AlarmARN: a.arn })),
    CreationTime: new Date(p.createdAtMs),
  };
}

export const scheduledActionView = (a: ScheduledActionRecord): ScheduledAction => ({
  ScheduledActionName: a.name,
  ScheduledActionARN: a.arn,
  ServiceNamespace: "ecs",
  Schedule: a.schedule,
  Timezone: a.timezone,
  ResourceId: a.resourceId,
  ScalableDimension: "ecs:service:DesiredCount",
  StartTime: a.startMs === undefined ? undefined : new Date(a.startMs),
  EndTime: a.endMs === undefined ? undefined : new Date(a.endMs),
  ScalableTargetAction: a.minCapacity === undefined && a.maxCapacity === undefined ? undefined : { MinCapacity: a.minCapacity, MaxCapacity: a.maxCapacity },
  CreationTime: new Date(a.createdAtMs),
});

export const activityView = (a: ScalingActivityRecord): ScalingActivity => ({
  ActivityId: a.id,
  ServiceNamespace: "ecs",
  ResourceId: a.resourceId,
  ScalableDimension: "ecs:service:DesiredCount",
  Description: a.description,
  Cause: a.cause,
  StartTime: new Date(a.startMs),
  EndTime: new Date(a.endMs),
  StatusCode: a.status,
  StatusMessage: a.statusMessage,
});

/** A customized metric's query as PutScalingPolicy took it (a TargetTrackingMetricDataQuery: no period). */
function trackingQueryView(q: MetricQuery) {
  if (q.kind === "expression") return { Id: q.id, Expression: q.expression, Label: q.label, ReturnData: q.returnData };
  const m = q.metric;
  return { Id: q.id, MetricStat: { Metric: { Namespace: m.namespace, MetricName: m.metricName, Dimensions: m.dimensions.map((d) => ({ Name: d.name, Value: d.value })) }, Stat: q.stat, Unit: q.unit }, Label: q.label, ReturnData: q.returnData };
}
