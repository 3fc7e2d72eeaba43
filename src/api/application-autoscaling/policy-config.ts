import type { StepScalingPolicyConfiguration, TargetTrackingMetricDataQuery, TargetTrackingScalingPolicyConfiguration } from "@aws-sdk/client-application-auto-scaling";
import { ExpressionError, parseExpression } from "../../domain/metrics/expression.js";
import { checkAlarmQueries, QueryError, validQueryId, type MetricQuery } from "../../domain/metrics/queries.js";
import { metricId } from "../../domain/metrics/series.js";
import { ecsPredefinedMetrics, type AdjustmentType, type MetricAggregationType, type StepScalingConfig, type TargetTrackingConfig, type TrackedMetric } from "../../domain/autoscaling/records.js";
import { parseResourceLabel, predefinedMetric } from "../../domain/autoscaling/target-tracking.js";
import { offeredStatistics, statisticNames, statOf } from "../../domain/metrics/statistics.js";
import { excerpt } from "../../observability/excerpt.js";
import { validation } from "./checks.js";

/** Application Auto Scaling's default cooldown for ECS services, in seconds. */
const defaultCooldownSeconds = 300;
const adjustmentTypes: readonly AdjustmentType[] = ["ChangeInCapacity", "PercentChangeInCapacity", "ExactCapacity"];
const aggregations: readonly MetricAggregationType[] = ["Average", "Minimum", "Maximum"];

function cooldown(member: string, n: number | undefined): number {
  if (n === undefined) return defaultCooldownSeconds;
  if (!Number.isInteger(n) || n < 0 || n > 86_400) throw validation(`${member} must be a whole number of seconds from 0 to 86400; got ${n}.`);
  return n;
}

/** A step policy's configuration, checked as Application Auto Scaling checks it: steps neither overlap nor leave gaps. */
export function stepConfig(c: StepScalingPolicyConfiguration | undefined): StepScalingConfig {
  if (!c) throw validation("StepScalingPolicyConfiguration is required for policy type StepScaling.");
  const adjustmentType = adjustmentTypes.find((t) => t === c.AdjustmentType);
  if (!adjustmentType) throw validation(`AdjustmentType must be one of ${adjustmentTypes.join(", ")}; got '${excerpt(c.AdjustmentType ?? "")}'.`);
  const aggregation = c.MetricAggregationType === undefined ? "Average" : aggregations.find((t) => t === c.MetricAggregationType);
  if (!aggregation) throw validation(`MetricAggregationType must be one of ${aggregations.join(", ")}.`);
  const steps = (c.StepAdjustments ?? []).map((s) => ({ lower: s.MetricIntervalLowerBound, upper: s.MetricIntervalUpperBound, adjustment: s.ScalingAdjustment ?? 0 }));
  if (steps.length === 0) throw validation("StepAdjustments must hold at least one step adjustment.");
  for (const s of steps) {
    if (!Number.isInteger(s.adjustment)) throw validation(`ScalingAdjustment must be a whole number; got ${s.adjustment}.`);
    if (s.lower !== undefined && s.upper !== undefined && s.upper <= s.lower) throw validation(`Step adjustment's upper bound (${s.upper}) must be greater than its lower bound (${s.lower}).`);
    if (adjustmentType === "ExactCapacity" && s.adjustment < 0) throw validation("With ExactCapacity a ScalingAdjustment cannot be negative.");
  }
  const sorted = [...steps].sort((a, b) => (a.lower ?? -Infinity) - (b.lower ?? -Infinity));
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (prev.upper === undefined || cur.lower === undefined || prev.upper !== cur.lower) {
      throw validation("Step adjustments cannot overlap or have a gap: each step's lower bound must be the previous step's upper bound.");
    }
  }
  if (c.MinAdjustmentMagnitude !== undefined && adjustmentType !== "PercentChangeInCapacity") throw validation("MinAdjustmentMagnitude is only for AdjustmentType PercentChangeInCapacity.");
  return { adjustmentType, steps, minAdjustmentMagnitude: c.MinAdjustmentMagnitude, cooldownSeconds: cooldown("Cooldown", c.Cooldown), aggregation };
}

/** A target-tracking policy's configuration: a target value and one metric, predefined (ECS's) or customized. */
export function trackingConfig(c: TargetTrackingScalingPolicyConfiguration | undefined): TargetTrackingConfig {
  if (!c) throw validation("TargetTrackingScalingPolicyConfiguration is required for policy type TargetTrackingScaling.");
  const target = c.TargetValue;
  if (target === undefined || !Number.isFinite(target) || target < 8.515920e-109 || target > 6.9236899e86) throw validation("TargetValue must be a positive number (8.515920e-109 to 6.9236899e+86).");
  const pre = c.PredefinedMetricSpecification;
  const custom = c.CustomizedMetricSpecification;
  if ((pre === undefined) === (custom === undefined)) throw validation("Specify exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification.");
  let customized: TrackedMetric | undefined;
  let queries: MetricQuery[] | undefined;
  let predefined: TargetTrackingConfig["predefined"];
  if (pre) {
    const type = ecsPredefinedMetrics.find((t) => t === pre.PredefinedMetricType);
    if (!type) throw validation(`Unsupported predefined metric type '${excerpt(pre.PredefinedMetricType ?? "")}' for service namespace ecs: use ${ecsPredefinedMetrics.join(", ")}.`);
    const label = pre.ResourceLabel;
    if (type !== "ALBRequestCountPerTarget" && label !== undefined) throw validation(`ResourceLabel is only for predefined metric type ALBRequestCountPerTarget, not ${type}.`);
    if (type === "ALBRequestCountPerTarget" && parseResourceLabel(label ?? "") === undefined) {
      throw validation(
        `${label === undefined ? "ALBRequestCountPerTarget needs a ResourceLabel" : `ResourceLabel '${excerpt(label)}' is not valid`}: app/<load balancer name>/<load balancer id>/targetgroup/<target group name>/<target group id>, the final portions of the load balancer's ARN and of the ARN of a target group of the service.`,
      );
    }
    predefined = { type, resourceLabel: label };
  } else if (custom?.Metrics !== undefined) {
    if (custom.Namespace !== undefined || custom.MetricName !== undefined || custom.Statistic !== undefined || custom.Dimensions !== undefined) {
      throw validation("CustomizedMetricSpecification takes either Metrics (metric math) or one metric (Namespace, MetricName, Dimensions, Statistic), not both.");
    }
    queries = custom.Metrics.map(trackingQuery);
    try {
      checkAlarmQueries(queries);
    } catch (e) {
      if (e instanceof QueryError) throw validation(`CustomizedMetricSpecification.Metrics (Id ${e.id}): ${e.message}`);
      throw e;
    }
  } else if (custom) {
    const statistic = statisticNames.find((s) => s === custom.Statistic);
    if (!custom.Namespace || !custom.MetricName || !statistic) throw validation("CustomizedMetricSpecification needs Namespace, MetricName and Statistic (Average, Minimum, Maximum, SampleCount or Sum).");
    customized = { namespace: custom.Namespace, name: custom.MetricName, dimensions: (custom.Dimensions ?? []).map((d) => ({ name: d.Name ?? "", value: d.Value ?? "" })), statistic, unit: custom.Unit };
  }
  return {
    targetValue: target,
    predefined,
    customized,
    queries,
    scaleOutCooldownSeconds: cooldown("ScaleOutCooldown", c.ScaleOutCooldown),
    scaleInCooldownSeconds: cooldown("ScaleInCooldown", c.ScaleInCooldown),
    disableScaleIn: c.DisableScaleIn ?? false,
  };
}

/** The metric a target-tracking policy watches for a service, or the metric math whose returned series it watches. */
export function trackedMetric(c: TargetTrackingConfig, cluster: string, service: string): TrackedMetric | readonly MetricQuery[] {
  return c.queries ?? c.customized ?? predefinedMetric(c.predefined!.type, cluster, service, c.predefined!.resourceLabel)!;
}

/**
 * One TargetTrackingMetricDataQuery: a metric's statistic (its period is the tracking alarms',
 * set when they are made) or an expression over the other queries.
 */
function trackingQuery(q: TargetTrackingMetricDataQuery, i: number): MetricQuery {
  const member = `CustomizedMetricSpecification.Metrics.${i + 1}`;
  const id = q.Id ?? "";
  if (!validQueryId(id)) throw validation(`${member}.Id '${excerpt(id)}' must start with a lowercase letter and have only letters, digits and underscores.`);
  const returnData = q.ReturnData ?? true;
  if ((q.Expression === undefined) === (q.MetricStat === undefined)) throw validation(`${member} (Id ${id}) must have exactly one of MetricStat or Expression.`);
  if (q.Expression !== undefined) {
    try {
      parseExpression(q.Expression);
    } catch (e) {
      if (e instanceof ExpressionError) throw validation(`${member} (Id ${id}): ${e.message}`);
      throw e;
    }
    return { kind: "expression", id, label: q.Label ?? id, labeled: q.Label !== undefined, returnData, expression: q.Expression };
  }
  const m = q.MetricStat?.Metric;
  const stat = statOf(q.MetricStat?.Stat ?? "");
  if (!m?.Namespace || !m.MetricName || !stat) throw validation(`${member}.MetricStat (Id ${id}) needs Metric (Namespace, MetricName) and Stat (${offeredStatistics}).`);
  const metric = metricId(m.Namespace, m.MetricName, (m.Dimensions ?? []).map((d) => ({ name: d.Name ?? "", value: d.Value ?? "" })));
  return { kind: "stat", id, label: q.Label ?? m.MetricName, returnData, metric, periodMs: 60_000, stat, unit: q.MetricStat?.Unit };
}
