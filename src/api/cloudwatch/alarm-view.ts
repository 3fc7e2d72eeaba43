import type { AlarmRecord } from "../../domain/metrics/alarm.js";
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
    MetricName: a.metric.metricName,
    Namespace: a.metric.namespace,
    Statistic: a.statistic,
    Dimensions: a.metric.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
    Period: a.periodSeconds,
    Unit: a.unit,
    EvaluationPeriods: a.evaluationPeriods,
    DatapointsToAlarm: a.datapointsToAlarm,
    Threshold: a.threshold,
    ComparisonOperator: a.comparison,
    TreatMissingData: a.treatMissingData,
    StateTransitionedTimestamp: new Date(a.stateTransitionedAtMs),
  };
}

export function historyView(h: AlarmHistoryRecord) {
  return { AlarmName: h.alarmName, AlarmType: "MetricAlarm", Timestamp: new Date(h.atMs), HistoryItemType: h.type, HistorySummary: h.summary, HistoryData: h.data };
}
