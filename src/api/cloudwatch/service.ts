import { dateToTag } from "@smithy/core/cbor";
import { DeleteAlarmsInput$, DescribeAlarmHistoryInput$, DescribeAlarmsForMetricInput$, DescribeAlarmsInput$, GetMetricDataInput$, GetMetricStatisticsInput$, ListMetricsInput$, PutMetricAlarmInput$, PutMetricDataInput$, SetAlarmStateInput$ } from "../../aws-sdk/cloudwatch.js";
import type { StaticStructureSchema } from "@smithy/types";
import { AwsError, type ErrorName } from "../../errors/catalog.js";
import type { JsonService, Operation } from "../aws-json/service.js";
import type { QueryService } from "../aws-query/service.js";
import type { CborOperation, CborService } from "../rpc-v2-cbor/service.js";
import type { CloudWatchDeps } from "./deps.js";
import { cloudWatchErrors, queryCodeOf } from "./errors.js";
import { cloudWatchOperations } from "./operations.js";

/** CloudWatch's Smithy service name: the JSON target prefix and the RPC v2 CBOR path's service. */
export const cloudWatchServiceName = "GraniteServiceVersion20100801";
const signingName = "monitoring";
/** IAM names CloudWatch's actions `cloudwatch:<Operation>` although requests are signed for `monitoring`. */
const actionPrefix = "cloudwatch";

/** CloudWatch over the Query protocol (version 2010-08-01), as the AWS CLI 2.9 calls it: errors by their Query codes. */
export function cloudWatchQueryService(deps: CloudWatchDeps): QueryService {
  return {
    signingName,
    actionPrefix,
    version: "2010-08-01",
    xmlNamespace: "http://monitoring.amazonaws.com/doc/2010-08-01/",
    errors: cloudWatchErrors,
    operations: Object.fromEntries(
      cloudWatchOperations(deps).map((op) => [
        op.name,
        {
          handle: (params, ctx) =>
            op.handle(params, ctx).catch((e: unknown) => {
              if (e instanceof AwsError) throw new AwsError(queryCodeOf(e.code) as ErrorName, e.message, e.fields);
              throw e;
            }),
        },
      ]),
    ),
  };
}

/** The model's input shapes, which the JSON front door checks requests against. */
const inputShapes: Readonly<Record<string, StaticStructureSchema>> = {
  PutMetricData: PutMetricDataInput$,
  GetMetricStatistics: GetMetricStatisticsInput$,
  GetMetricData: GetMetricDataInput$,
  ListMetrics: ListMetricsInput$,
  PutMetricAlarm: PutMetricAlarmInput$,
  DescribeAlarms: DescribeAlarmsInput$,
  DescribeAlarmsForMetric: DescribeAlarmsForMetricInput$,
  DeleteAlarms: DeleteAlarmsInput$,
  SetAlarmState: SetAlarmStateInput$,
  DescribeAlarmHistory: DescribeAlarmHistoryInput$,
};

/** CloudWatch over AWS JSON 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.<Op>`), as current AWS SDKs call it. */
export function cloudWatchJsonService(deps: CloudWatchDeps): JsonService {
  return {
    targetPrefix: cloudWatchServiceName,
    signingName,
    actionPrefix,
    errors: cloudWatchErrors,
    missingMemberError: "MissingRequiredParameterException",
    operations: Object.fromEntries(
      cloudWatchOperations(deps).map((op): [string, Operation] => [op.name, { input: inputShapes[op.name]!, handle: (input, ctx) => op.handle(input, ctx), handleJson: op.handleJson }]),
    ),
  };
}

/** CloudWatch over Smithy RPC v2 CBOR (`/service/GraniteServiceVersion20100801/operation/<Op>`): timestamps as CBOR tag 1. */
export function cloudWatchCborService(deps: CloudWatchDeps): CborService {
  return {
    name: cloudWatchServiceName,
    signingName,
    actionPrefix,
    errors: cloudWatchErrors,
    operations: Object.fromEntries(cloudWatchOperations(deps).map((op): [string, CborOperation] => [op.name, { handle: async (input, ctx) => cborValue(await op.handle(input, ctx)) as object, handleCbor: op.handleCbor }])),
  };
}

/** A plain answer as the CBOR writer takes it: Dates as tag 1, undefined members dropped. */
export function cborValue(v: unknown): unknown {
  if (v instanceof Date) return dateToTag(v);
  if (Array.isArray(v)) return v.map(cborValue);
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, cborValue(x)]));
  return v;
}
