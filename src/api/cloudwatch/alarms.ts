import { AwsError } from "../../errors/catalog.js";
import { alarmStates, comparisonOperators, missingDataTreatments, type AlarmRecord } from "../../domain/metrics/alarm.js";
import { metricId } from "../../domain/metrics/series.js";
import { isPercentile, offeredPercentiles, percentileNamed, statisticNames, type Stat } from "../../domain/metrics/statistics.js";
import type { CloudWatchDeps } from "./deps.js";
import { dimensionsOf, namespaceOf, optUnit } from "./metric-params.js";
import { invalid, missing, optBool, optInt, optList, optNumber, optString, optStrings, reqString, type Params } from "./read.js";
import { checkAlarmQueries } from "../../domain/metrics/queries.js";
import { checkedQueries, queryOf } from "./metric-queries.js";
import type { CloudWatchOperation } from "./operation.js";
import { stateUpdate } from "../../domain/metrics/alarm-history.js";

const maxAlarms = 5000;

function oneOf<T extends string>(p: Params, name: string, allowed: readonly T[]): T | undefined {
  const v = optString(p, name);
  if (v === undefined) return undefined;
  const found = allowed.find((a) => a === v);
  if (found === undefined) throw invalid(name, v, `It must be one of: ${allowed.join(", ")}.`);
  return found;
}

export const alarmNameOf = (p: Params, name = "AlarmName"): string => reqString(p, name, 255);

/**
 * PutMetricAlarm: creates or replaces an alarm on one metric (Namespace, MetricName, Dimensions,
 * Statistic, Period) or on metric math (`Metrics`: MetricDataQueries, one returning the series
 * watched, every metric of one period); a single metric's statistic may be a percentile
 * (ExtendedStatistic). A new alarm starts
 * INSUFFICIENT_DATA; a replaced one keeps its state until the next evaluation.
 */
export function putMetricAlarm(deps: CloudWatchDeps): CloudWatchOperation {
  return {
    name: "PutMetricAlarm",
    async handle(p, ctx) {
      const name = alarmNameOf(p);
      const watched = watchedOf(p);
      const evaluationPeriods = optInt(p, "EvaluationPeriods", 1, 1440);
      if (evaluationPeriods === undefined) throw missing("EvaluationPeriods");
      const datapointsToAlarm = optInt(p, "DatapointsToAlarm", 1, 1440) ?? evaluationPeriods;
      if (datapointsToAlarm > evaluationPeriods) throw invalid("DatapointsToAlarm", String(datapointsToAlarm), "It must not be greater than EvaluationPeriods.");
      const periodSeconds = watched.periodSeconds;
      if (periodSeconds * evaluationPeriods > 86_400 * 7) {
        throw new AwsError("InvalidParameterCombinationException", "Period * EvaluationPeriods must not be greater than 604800 seconds (7 days).");
      }
      const threshold = optNumber(p, "Threshold");
      if (threshold === undefined) throw missing("Threshold");
      const comparison = oneOf(p, "ComparisonOperator", comparisonOperators);
      if (!comparison) throw missing("ComparisonOperator");
      const actions = (n: string) => optStrings(p, n, 5) ?? [];
      const next = {
        name,
        arn: `arn:aws:cloudwatch:${ctx.partition.region}:${ctx.partition.accountId}:alarm:${name}`,
        description: optString(p, "AlarmDescription", 1024),
        ...watched,
        evaluationPeriods,
        datapointsToAlarm,
        threshold,
        comparison,
        treatMissingData: oneOf(p, "TreatMissingData", missingDataTreatments) ?? "missing",
        actionsEnabled: optBool(p, "ActionsEnabled") ?? true,
        alarmActions: actions("AlarmActions"),
        okActions: actions("OKActions"),
        insufficientDataActions: actions("InsufficientDataActions"),
        configuredAtMs: ctx.nowMs,
      };
      await deps.store.write(async (tx) => {
        const was = await tx.alarms.get(name);
        if (!was && (await tx.alarms.list({ limit: maxAlarms })).items.length >= maxAlarms) {
          throw new AwsError("LimitExceededFault", `The maximum of ${maxAlarms} alarms is reached: delete some first.`);
        }
        const alarm: AlarmRecord = was
          ? { ...next, state: was.state, stateReason: was.stateReason, stateReasonData: was.stateReasonData, stateUpdatedAtMs: was.stateUpdatedAtMs, stateTransitionedAtMs: was.stateTransitionedAtMs }
          : { ...next, state: "INSUFFICIENT_DATA", stateReason: "Unchecked: Initial alarm creation", stateUpdatedAtMs: ctx.nowMs, stateTransitionedAtMs: ctx.nowMs };
        await tx.alarms.put(alarm);
        await tx.alarms.addHistory({ alarmName: name, atMs: ctx.nowMs, type: "ConfigurationUpdate", summary: `Alarm "${name}" ${was ? "updated" : "created"}`, data: JSON.stringify({ version: "1.0", type: was ? "Update" : "Create" }) });
      });
      return {};
    },
  };
}

/** DeleteAlarms: all named alarms, or none when one does not exist (ResourceNotFound, as CloudWatch). */
export function deleteAlarms(deps: CloudWatchDeps): CloudWatchOperation {
  return {
    name: "DeleteAlarms",
    async handle(p) {
      const names = optStrings(p, "AlarmNames", 100);
      if (!names || names.length === 0) throw missing("AlarmNames");
      await deps.store.write(async (tx) => {
        for (const n of names) if (!(await tx.alarms.get(n))) throw new AwsError("ResourceNotFound", `1 alarm(s) not found: ${n.slice(0, 255)}.`);
        for (const n of names) await tx.alarms.delete(n);
      });
      return {};
    },
  };
}

/** SetAlarmState: the state until the next evaluation changes it, with the history entry. */
export function setAlarmState(deps: CloudWatchDeps): CloudWatchOperation {
  return {
    name: "SetAlarmState",
    async handle(p, ctx) {
      const name = alarmNameOf(p);
      const state = oneOf(p, "StateValue", alarmStates);
      if (!state) throw missing("StateValue");
      const reason = reqString(p, "StateReason", 1023);
      const reasonData = optString(p, "StateReasonData", 4000);
      if (reasonData !== undefined) {
        try {
          JSON.parse(reasonData);
        } catch {
          throw new AwsError("InvalidFormatFault", "StateReasonData is not valid JSON.");
        }
      }
      await deps.store.write(async (tx) => {
        const was = await tx.alarms.get(name);
        if (!was) throw new AwsError("ResourceNotFound", `Alarm ${name} not found`);
        const alarm: AlarmRecord = { ...was, state, stateReason: reason, stateReasonData: reasonData, stateUpdatedAtMs: ctx.nowMs, stateTransitionedAtMs: state === was.state ? was.stateTransitionedAtMs : ctx.nowMs };
        await tx.alarms.put(alarm);
        await tx.alarms.addHistory(stateUpdate(alarm, was.state, ctx.nowMs));
      });
      return {};
    },
  };
}


/** Metric math alarms: CloudWatch's limit on the queries of one alarm. */
const maxAlarmQueries = 10;

/** What an alarm watches: one metric's statistic, or the returned series of metric math (`Metrics`), with its period. */
function watchedOf(p: Params): Pick<AlarmRecord, "metric" | "statistic" | "unit" | "queries" | "periodSeconds" | "lowSampleCount"> {
  const raw = optList(p, "Metrics", maxAlarmQueries);
  if (raw && raw.length > 0) {
    const single = ["MetricName", "Namespace", "Statistic", "ExtendedStatistic", "Dimensions", "Period", "Unit"].find((n) => p[n] !== undefined);
    if (single) throw new AwsError("InvalidParameterCombinationException", `An alarm on metric math (Metrics) takes its metrics from its queries: leave out ${single}.`);
    const queries = raw.map((q, i) => queryOf(q, `Metrics.member.${i + 1}`));
    const periodMs = checkedQueries("Metrics", () => checkAlarmQueries(queries));
    if (periodMs % 60_000 !== 0) throw invalid("Metrics", String(periodMs / 1000), "Berth keeps one-minute resolution: the metrics' period must be a multiple of 60 seconds.");
    return { queries, periodSeconds: periodMs / 1000 };
  }
  const statistic = statisticOf(p);
  const lowSampleCount = isPercentile(statistic) ? (oneOf(p, "EvaluateLowSampleCountPercentile", ["evaluate", "ignore"] as const) ?? "evaluate") : undefined;
  const metric = metricId(namespaceOf(p), reqString(p, "MetricName", 255), dimensionsOf(p, "Dimensions", true));
  const periodSeconds = optInt(p, "Period", 60, 86_400 * 7);
  if (periodSeconds === undefined) throw missing("Period");
  if (periodSeconds % 60 !== 0) throw invalid("Period", String(periodSeconds), "Berth keeps one-minute resolution: the period must be a multiple of 60 seconds.");
  return { metric, statistic, unit: optUnit(p), periodSeconds, lowSampleCount };
}

/** Statistic, or ExtendedStatistic (a percentile, from the metric's distributions): exactly one. */
function statisticOf(p: Params): Stat {
  const named = oneOf(p, "Statistic", statisticNames);
  const extended = optString(p, "ExtendedStatistic");
  if (named !== undefined && extended !== undefined) throw new AwsError("InvalidParameterCombinationException", "Specify Statistic or ExtendedStatistic, not both.");
  if (named !== undefined) return named;
  if (extended === undefined) throw missing("Statistic");
  const s = percentileNamed(extended);
  if (s === undefined) throw invalid("ExtendedStatistic", extended, `Berth offers ${offeredPercentiles}.`);
  return s;
}
