import { createRequire } from "node:module";

/** `@aws-sdk/client-cloudwatch-logs`, loaded with `require` (README.md says why). */
export const sdk = createRequire(import.meta.url)("@aws-sdk/client-cloudwatch-logs") as typeof import("@aws-sdk/client-cloudwatch-logs");

export const {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogGroupRequest$,
  CreateLogStreamCommand,
  CreateLogStreamRequest$,
  DeleteLogGroupRequest$,
  DeleteLogStreamRequest$,
  DeleteRetentionPolicyRequest$,
  DescribeLogGroupsRequest$,
  DescribeLogStreamsRequest$,
  FilterLogEventsRequest$,
  GetLogEventsCommand,
  GetLogEventsRequest$,
  ListTagsForResourceRequest$,
  ListTagsLogGroupRequest$,
  PutLogEventsCommand,
  PutLogEventsRequest$,
  PutRetentionPolicyRequest$,
  TagLogGroupRequest$,
  TagResourceRequest$,
  UntagLogGroupRequest$,
  UntagResourceRequest$,
} = sdk;

// The classes' instance types, under the same names, as the package exports them.
export type CloudWatchLogsClient = import("@aws-sdk/client-cloudwatch-logs").CloudWatchLogsClient;
export type CreateLogGroupCommand = import("@aws-sdk/client-cloudwatch-logs").CreateLogGroupCommand;
export type CreateLogStreamCommand = import("@aws-sdk/client-cloudwatch-logs").CreateLogStreamCommand;
export type GetLogEventsCommand = import("@aws-sdk/client-cloudwatch-logs").GetLogEventsCommand;
export type PutLogEventsCommand = import("@aws-sdk/client-cloudwatch-logs").PutLogEventsCommand;
