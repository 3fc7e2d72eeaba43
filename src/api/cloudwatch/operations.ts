import type { CloudWatchDeps } from "./deps.js";
import { getMetricData } from "./get-metric-data.js";
import { getMetricStatistics } from "./get-metric-statistics.js";
import { listMetrics } from "./list-metrics.js";
import type { CloudWatchOperation } from "./operation.js";
import { putMetricData } from "./put-metric-data.js";
import { deleteAlarms, putMetricAlarm, setAlarmState } from "./alarms.js";
import { describeAlarmHistory, describeAlarms, describeAlarmsForMetric } from "./describe-alarms.js";

/** CloudWatch's one operation table, which its three front doors (service.ts) serve. */
export function cloudWatchOperations(deps: CloudWatchDeps): readonly CloudWatchOperation[] {
  return [
    putMetricData(deps),
    getMetricStatistics(deps),
    getMetricData(deps),
    listMetrics(deps),
    putMetricAlarm(deps),
    describeAlarms(deps),
    describeAlarmsForMetric(deps),
    deleteAlarms(deps),
    setAlarmState(deps),
    describeAlarmHistory(deps),
  ];
}
