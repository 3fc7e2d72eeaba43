import type { ScalingPolicyRecord, TrackedMetric } from "../../domain/autoscaling/records.js";
import { trackingAlarms, type TrackingAlarmShape } from "../../domain/autoscaling/target-tracking.js";
import type { AlarmRecord } from "../../domain/metrics/alarm.js";
import { metricId } from "../../domain/metrics/series.js";
import type { Partition } from "../../domain/arn.js";
import type { WriteTx } from "../../state/store.js";
import type { MetricQuery } from "../../domain/metrics/queries.js";

/** A UUID's form of 32 hex digits, as AWS writes the suffix of target tracking's alarm names. */
const uuid = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;

/**
 * Creates or updates the CloudWatch alarms of a target-tracking policy, named as AWS names them
 * (`TargetTracking-<resource id>-AlarmHigh-<uuid>`, `…-AlarmLow-…`), each with the policy as its
 * alarm action, in the same write as the policy. Returns the alarms the policy keeps; alarms it no
 * longer needs (AlarmLow once scale-in is disabled) are deleted.
 */
export async function putTrackingAlarms(
  tx: WriteTx,
  policy: Omit<ScalingPolicyRecord, "alarms">,
  previous: ScalingPolicyRecord | undefined,
  watched: TrackedMetric | readonly MetricQuery[],
  opts: { shape: TrackingAlarmShape; partition: Partition; nowMs: number; newId: () => string },
): Promise<{ name: string; arn: string }[]> {
  const specs = trackingAlarms(policy.targetTracking!, opts.shape);
  const kept: { name: string; arn: string }[] = [];
  for (const spec of specs) {
    const name = previous?.alarms.find((a) => a.name.includes(`-${spec.suffix}-`))?.name ?? `TargetTracking-${policy.resourceId}-${spec.suffix}-${uuid(opts.newId())}`;
    const arn = `arn:aws:cloudwatch:${opts.partition.region}:${opts.partition.accountId}:alarm:${name}`;
    const was = await tx.alarms.get(name);
    const alarm: AlarmRecord = {
      name,
      arn,
      description: `DO NOT EDIT OR DELETE. For TargetTrackingScaling policy ${policy.arn}.`,
      ...watchOf(watched, opts.shape.periodSeconds),
      periodSeconds: opts.shape.periodSeconds,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.evaluationPeriods,
      threshold: spec.threshold,
      comparison: spec.comparison,
      treatMissingData: "missing",
      actionsEnabled: true,
      alarmActions: [policy.arn],
      okActions: [],
      insufficientDataActions: [],
      configuredAtMs: opts.nowMs,
      state: was?.state ?? "INSUFFICIENT_DATA",
      stateReason: was?.stateReason ?? "Unchecked: Initial alarm creation",
      stateReasonData: was?.stateReasonData,
      stateUpdatedAtMs: was?.stateUpdatedAtMs ?? opts.nowMs,
      stateTransitionedAtMs: was?.stateTransitionedAtMs ?? opts.nowMs,
    };
    await tx.alarms.put(alarm);
    await tx.alarms.addHistory({ alarmName: name, atMs: opts.nowMs, type: "ConfigurationUpdate", summary: `Alarm "${name}" ${was ? "updated" : "created"}`, data: JSON.stringify({ version: "1.0", type: was ? "Update" : "Create" }) });
    kept.push({ name, arn });
  }
  for (const old of previous?.alarms ?? []) if (!kept.some((k) => k.name === old.name)) await tx.alarms.delete(old.name);
  return kept;
}

/** What a tracking alarm watches: the metric's statistic, or the metric math (its metrics at the alarms' period). */
function watchOf(watched: TrackedMetric | readonly MetricQuery[], periodSeconds: number): Pick<AlarmRecord, "metric" | "statistic" | "unit" | "queries"> {
  if (isQueries(watched)) return { queries: watched.map((q) => (q.kind === "stat" ? { ...q, periodMs: periodSeconds * 1000 } : q)) };
  return { metric: metricId(watched.namespace, watched.name, watched.dimensions), statistic: watched.statistic, unit: watched.unit };
}

const isQueries = (w: TrackedMetric | readonly MetricQuery[]): w is readonly MetricQuery[] => Array.isArray(w);

/** Deletes the alarms target tracking made for a policy (DeleteScalingPolicy, DeregisterScalableTarget). */
export async function deleteTrackingAlarms(tx: WriteTx, policy: ScalingPolicyRecord): Promise<void> {
  if (policy.type !== "TargetTrackingScaling") return;
  for (const a of policy.alarms) await tx.alarms.delete(a.name);
}
