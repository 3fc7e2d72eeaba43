import type { TargetTrackingConfig, TrackedMetric } from "./records.js";

/**
 * An ALBRequestCountPerTarget policy's resource label, `app/<lb name>/<lb id>/targetgroup/<tg name>/<tg id>`:
 * the final portions of the load balancer's and the target group's ARNs (CloudWatch's LoadBalancer
 * and TargetGroup dimensions).
 */
export function parseResourceLabel(label: string): { loadBalancer: string; targetGroup: string } | undefined {
  const m = /^(app\/[^/]+\/[^/]+)\/(targetgroup\/[^/]+\/[^/]+)$/.exec(label);
  return m ? { loadBalancer: m[1]!, targetGroup: m[2]! } : undefined;
}

/**
 * The metric a predefined metric type tracks for a service: AWS/ECS's utilization (Average), or
 * for ALBRequestCountPerTarget the target group's AWS/ApplicationELB RequestCountPerTarget (Sum,
 * the requests per target in the period); undefined for a type ECS services do not have.
 */
export function predefinedMetric(type: string, cluster: string, service: string, resourceLabel?: string): TrackedMetric | undefined {
  if (type === "ALBRequestCountPerTarget") {
    const label = parseResourceLabel(resourceLabel ?? "");
    return label && { namespace: "AWS/ApplicationELB", name: "RequestCountPerTarget", dimensions: [{ name: "TargetGroup", value: label.targetGroup }], statistic: "Sum" };
  }
  const name = type === "ECSServiceAverageCPUUtilization" ? "CPUUtilization" : type === "ECSServiceAverageMemoryUtilization" ? "MemoryUtilization" : undefined;
  if (!name) return undefined;
  return { namespace: "AWS/ECS", name, dimensions: [{ name: "ClusterName", value: cluster }, { name: "ServiceName", value: service }], statistic: "Average" };
}

/** How the alarms of a target-tracking policy watch their metric: AWS's are 3 of 3 one-minute periods above the target, 15 of 15 below 90 % of it. */
export interface TrackingAlarmShape {
  readonly periodSeconds: number;
  readonly highPeriods: number;
  readonly lowPeriods: number;
}

export const awsTrackingAlarms: TrackingAlarmShape = { periodSeconds: 60, highPeriods: 3, lowPeriods: 15 };

export interface TrackingAlarmSpec {
  readonly suffix: "AlarmHigh" | "AlarmLow";
  readonly threshold: number;
  readonly comparison: "GreaterThanThreshold" | "LessThanThreshold";
  readonly evaluationPeriods: number;
}

/** The alarms a target-tracking policy keeps (no AlarmLow when scale-in is disabled). */
export function trackingAlarms(config: TargetTrackingConfig, shape: TrackingAlarmShape): TrackingAlarmSpec[] {
  const high: TrackingAlarmSpec = { suffix: "AlarmHigh", threshold: config.targetValue, comparison: "GreaterThanThreshold", evaluationPeriods: shape.highPeriods };
  if (config.disableScaleIn) return [high];
  return [high, { suffix: "AlarmLow", threshold: config.targetValue * 0.9, comparison: "LessThanThreshold", evaluationPeriods: shape.lowPeriods }];
}

/**
 * The capacity that brings the metric to the target if it moves in proportion to capacity:
 * ceil(current × metric / target), AWS's proportional rule (rounding up keeps the metric at or
 * under the target). From zero tasks a scale-out asks for one.
 */
export function proportionalCapacity(current: number, metric: number, target: number): number {
  if (current === 0) return metric > target ? 1 : 0;
  return Math.ceil((current * metric) / target - 1e-9);
}
