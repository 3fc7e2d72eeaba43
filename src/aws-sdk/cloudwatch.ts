import { createRequire } from "node:module";

/** `@aws-sdk/client-cloudwatch`, loaded with `require` (README.md says why). */
export const sdk = createRequire(import.meta.url)("@aws-sdk/client-cloudwatch") as typeof import("@aws-sdk/client-cloudwatch");

export const {
  DeleteAlarmsInput$,
  DescribeAlarmHistoryInput$,
  DescribeAlarmsForMetricInput$,
  DescribeAlarmsInput$,
  GetMetricDataInput$,
  GetMetricStatisticsInput$,
  ListMetricsInput$,
  PutMetricAlarmInput$,
  PutMetricDataInput$,
  SetAlarmStateInput$,
} = sdk;
