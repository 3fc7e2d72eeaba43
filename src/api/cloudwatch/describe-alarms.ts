import { AwsError } from "../../errors/catalog.js";
import { alarmStates } from "../../domain/metrics/alarm.js";
import { dimensionsKey, metricId } from "../../domain/metrics/series.js";
import type { CloudWatchDeps } from "./deps.js";
import { alarmView, historyView } from "./alarm-view.js";
import { dimensionsOf, namespaceOf } from "./metric-params.js";
import { invalid, optInt, optString, optStrings, optTime, reqString } from "./read.js";
import type { CloudWatchOperation } from "./operation.js";

/** DescribeAlarms: by names, or by name prefix and state, 50 a page by default (at most 100). */
export function describeAlarms(deps: CloudWatchDeps): CloudWatchOperation {
  return {
    name: "DescribeAlarms",
    async handle(p) {
      const names = optStrings(p, "AlarmNames", 100);
      const prefix = optString(p, "AlarmNamePrefix", 255);
      if (names && names.length > 0 && prefix !== undefined) throw new AwsError("InvalidParameterCombinationException", "AlarmNames and AlarmNamePrefix cannot be given together.");
      const state = optString(p, "StateValue");
      if (state !== undefined && !alarmStates.some((s) => s === state)) throw invalid("StateValue", state, `It must be one of: ${alarmStates.join(", ")}.`);
      const types = optStrings(p, "AlarmTypes", 2);
      const limit = optInt(p, "MaxRecords", 1, 100) ?? 50;
      const token = optString(p, "NextToken");
      const after = token === undefined ? undefined : Buffer.from(token, "base64url").toString("utf8");
      const page = await deps.store.read((tx) => tx.alarms.list({ names: names && names.length > 0 ? names : undefined, namePrefix: prefix, state, after, limit }));
      const metricAlarms = types && types.length > 0 && !types.includes("MetricAlarm") ? [] : page.items.map(alarmView);
      return { MetricAlarms: metricAlarms, CompositeAlarms: [], NextToken: page.next === undefined ? undefined : Buffer.from(page.next, "utf8").toString("base64url") };
    },
  };
}

/** DescribeAlarmsForMetric: every alarm on the metric, narrowed by Statistic (or ExtendedStatistic), Period and Unit when given. */
export function describeAlarmsForMetric(deps: CloudWatchDeps): CloudWatchOperation {
  return {
    name: "DescribeAlarmsForMetric",
    async handle(p) {
      const metric = metricId(namespaceOf(p), reqString(p, "MetricName", 255), dimensionsOf(p, "Dimensions", true));
      // Statistic or ExtendedStatistic: both are kept as the alarm's statistic.
      const statistic = optString(p, "Statistic") ?? optString(p, "ExtendedStatistic");
      const period = optInt(p, "Period", 1, 604_800);
      const unit = optString(p, "Unit");
      const alarms: ReturnType<typeof alarmView>[] = [];
      let after: string | undefined;
      do {
        const page = await deps.store.read((tx) => tx.alarms.list({ after, limit: 500 }));
        for (const a of page.items) {
          const same = a.metric !== undefined && a.metric.namespace === metric.namespace && a.metric.metricName === metric.metricName && dimensionsKey(a.metric.dimensions) === dimensionsKey(metric.dimensions);
          if (same && (statistic === undefined || a.statistic === statistic) && (period === undefined || a.periodSeconds === period) && (unit === undefined || a.unit === unit)) alarms.push(alarmView(a));
        }
        after = page.next;
      } while (after);
      return { MetricAlarms: alarms };
    },
  };
}

/** DescribeAlarmHistory: an alarm's (or every alarm's) history, newest first by default, 100 a page at most. */
export function describeAlarmHistory(deps: CloudWatchDeps): CloudWatchOperation {
  return {
    name: "DescribeAlarmHistory",
    async handle(p, ctx) {
      const type = optString(p, "HistoryItemType");
      if (type !== undefined && !["ConfigurationUpdate", "StateUpdate", "Action"].includes(type)) throw invalid("HistoryItemType", type, "It must be ConfigurationUpdate, StateUpdate or Action.");
      const scanBy = optString(p, "ScanBy") ?? "TimestampDescending";
      if (scanBy !== "TimestampDescending" && scanBy !== "TimestampAscending") throw invalid("ScanBy", scanBy, "It must be TimestampDescending or TimestampAscending.");
      const limit = optInt(p, "MaxRecords", 1, 100) ?? 100;
      const token = optString(p, "NextToken");
      const offset = token === undefined ? 0 : Number(Buffer.from(token, "base64url").toString("utf8"));
      if (!Number.isSafeInteger(offset) || offset < 0) throw new AwsError("InvalidNextToken", "The NextToken is not one this API handed out.");
      const items = await deps.store.read((tx) =>
        tx.alarms.history({
          alarmName: optString(p, "AlarmName", 255),
          type,
          fromMs: optTime(p, "StartDate") ?? 0,
          toMs: optTime(p, "EndDate") ?? ctx.nowMs + 1,
          newestFirst: scanBy === "TimestampDescending",
          offset,
          limit: limit + 1,
        }),
      );
      const more = items.length > limit;
      return { AlarmHistoryItems: items.slice(0, limit).map(historyView), NextToken: more ? Buffer.from(String(offset + limit), "utf8").toString("base64url") : undefined };
    },
  };
}
