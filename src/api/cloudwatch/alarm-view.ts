import type { AlarmRecord } from "../../domain/metrics/alarm.js";
import type { MetricQuery } from "../../domain/metrics/queries.js";
import type { MetricId } from "../../domain/metrics/series.js";
import { isPercentile } from "../../domain/metrics/statistics.js";
import type { AlarmHistoryRecord } from "../../domain/metrics/alarm-history.js";

/** A MetricAlarm as DescribeAlarms answers it. */
export function alarmView(a: AlarmRecord) {
  return {
    AlarmName: a.name,
    AlarmArn: a.arn,
    AlarmDescription: a.description,
    AlarmConfigurationUpdatedTimestamp: new Date(a.configuredAtMs),
    ActionsEnabled: a.actionsEnabled,
    OKActions: a.okActions,
    AlarmActions: a.alarmActions,
    InsufficientDataActions: a.insufficientDataActions,
    StateValue: a.state,
    StateReason: a.stateReason,
    StateReasonData: a.stateReasonData,
    StateUpdatedTimestamp: new Date(a.stateUpdatedAtMs),
    ...(a.queries
      ? { Metrics: a.queries.map(queryView) }
      : {
          ...(a.metric && metricView(a.metric)),
          ...(a.statistic !== undefined && isPercentile(a.statistic) ? { ExtendedStatistic: a.statistic, EvaluateLowSampleCountPercentile: a.lowSampleCount } : { Statistic: a.statistic }),
          Period: a.periodSeconds,
          Unit: a.unit,
        }),
    EvaluationPeriods: a.evaluationPeriods,
    DatapointsToAlarm: a.datapointsToAlarm,
    Threshold: a.threshold,
    ComparisonOperator: a.comparison,
    TreatMissingData: a.treatMissingData,
    StateTransitionedTimestamp: new Date(a.stateTransitionedAtMs),
  };
}

const metricView = (m: MetricId) => ({ MetricName: m.metricName, Namespace: m.namespace, Dimensions: m.dimensions.map((d) => ({ Name: d.name, Value: d.value })) });

/** A metric math alarm's query, as PutMetricAlarm took it (a MetricDataQuery). */
function queryView(q: MetricQuery) {
  if (q.kind === "expression") return { Id: q.id, Expression: q.expression, Label: q.label, ReturnData: q.returnData };
  return { Id: q.id, MetricStat: { Metric: metricView(q.metric), Period: q.periodMs / 1000, Stat: q.stat, Unit: q.unit }, Label: q.label, ReturnData: q.returnData };
}

export function historyView(h: AlarmHistoryRecord) {
  return { AlarmName: h.alarmName, AlarmType: "MetricAlarm", Timestamp: new Date(h.atMs), HistoryItemType: h.type, HistorySummary: h.summary, HistoryData: h.data };
}
