import type { CreateLogStreamRequest, DeleteLogStreamRequest, DescribeLogStreamsRequest, LogStream } from "@aws-sdk/client-cloudwatch-logs";
import { CreateLogStreamRequest$, DeleteLogStreamRequest$, DescribeLogStreamsRequest$ } from "../../aws-sdk/cloudwatch-logs.js";
import { logStreamArn, type Partition } from "../../domain/arn.js";
import { AwsError } from "../../errors/catalog.js";
import type { LogStreamRecord } from "../../state/log-records.js";
import { operation, type Operation } from "../aws-json/service.js";
import type { LogsDeps } from "./deps.js";
import { checkGroupName, checkStreamName, decodePageToken, encodePageToken, groupNotFound, groupOf, invalidToken, limitOf, streamNotFound } from "./names.js";

const describeStream = (p: Partition, s: LogStreamRecord): LogStream => ({
  logStreamName: s.name,
  creationTime: s.createdMs,
  firstEventTimestamp: s.firstEventMs,
  lastEventTimestamp: s.lastEventMs,
  lastIngestionTime: s.lastIngestionMs,
  arn: logStreamArn(p, s.groupName, s.name),
  storedBytes: s.storedBytes,
});

export function streamOperations({ store }: LogsDeps): Record<string, Operation> {
  return {
    CreateLogStream: operation<CreateLogStreamRequest>(CreateLogStreamRequest$, async (input, ctx) => {
      const group = checkGroupName(input.logGroupName ?? "");
      const name = checkStreamName(input.logStreamName ?? "");
      await store.write(async (tx) => {
        if (!(await tx.logs.group(group))) throw groupNotFound();
        if (!(await tx.logs.createStream({ groupName: group, name, createdMs: ctx.nowMs, storedBytes: 0 }))) {
          throw new AwsError("ResourceAlreadyExistsException", "The specified log stream already exists");
        }
      });
      return {};
    }),

    DescribeLogStreams: operation<DescribeLogStreamsRequest>(DescribeLogStreamsRequest$, async (input, ctx) => {
      const group = groupOf(input);
      const orderBy = input.orderBy ?? "LogStreamName";
      if (orderBy !== "LogStreamName" && orderBy !== "LastEventTime") throw new AwsError("InvalidParameterException", `orderBy must be LogStreamName or LastEventTime; got '${String(orderBy)}'.`);
      if (orderBy === "LastEventTime" && input.logStreamNamePrefix !== undefined) {
        throw new AwsError("InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.");
      }
      const limit = limitOf(input.limit, 50);
      const token = decodePageToken(input.nextToken);
      if (token !== undefined && !isAfter(token)) throw invalidToken();
      const streams = await store.read(async (tx) => {
        if (!(await tx.logs.group(group))) throw groupNotFound();
        return tx.logs.streams({ group, prefix: input.logStreamNamePrefix, orderBy, descending: input.descending ?? false, after: token, limit: limit + 1 });
      });
      const items = streams.slice(0, limit);
      const last = items.at(-1);
      const more = streams.length > limit && last !== undefined;
      return {
        logStreams: items.map((s) => describeStream(ctx.partition, s)),
        nextToken: more ? encodePageToken({ name: last.name, lastEventMs: last.lastEventMs ?? 0 }) : undefined,
      };
    }),

    DeleteLogStream: operation<DeleteLogStreamRequest>(DeleteLogStreamRequest$, async (input) => {
      const group = checkGroupName(input.logGroupName ?? "");
      const name = checkStreamName(input.logStreamName ?? "");
      await store.write(async (tx) => {
        if (!(await tx.logs.group(group))) throw groupNotFound();
        if (!(await tx.logs.stream(group, name))) throw streamNotFound();
        await tx.logs.deleteStream(group, name);
      });
      return {};
    }),
  };
}

function isAfter(v: unknown): v is { name: string; lastEventMs: number } {
  return typeof v === "object" && v !== null && "name" in v && typeof v.name === "string" && "lastEventMs" in v && typeof v.lastEventMs === "number";
}
