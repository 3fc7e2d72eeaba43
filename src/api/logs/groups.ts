import type { CreateLogGroupRequest, DeleteLogGroupRequest, DeleteRetentionPolicyRequest, DescribeLogGroupsRequest, LogGroup, PutRetentionPolicyRequest } from "@aws-sdk/client-cloudwatch-logs";
import { CreateLogGroupRequest$, DeleteLogGroupRequest$, DeleteRetentionPolicyRequest$, DescribeLogGroupsRequest$, PutRetentionPolicyRequest$ } from "../../aws-sdk/cloudwatch-logs.js";
import { logGroupArn, type Partition } from "../../domain/arn.js";
import { AwsError } from "../../errors/catalog.js";
import type { LogGroupRecord } from "../../state/log-records.js";
import { operation, type Operation } from "../aws-json/service.js";
import type { LogsDeps } from "./deps.js";
import { checkGroupName, checkRetention, checkTags, decodePageToken, encodePageToken, groupNotFound, invalidToken, limitOf } from "./names.js";

export const describeGroup = (p: Partition, g: LogGroupRecord): LogGroup => ({
  logGroupName: g.name,
  creationTime: g.createdMs,
  retentionInDays: g.retentionDays,
  metricFilterCount: 0,
  arn: `${logGroupArn(p, g.name)}:*`,
  logGroupArn: logGroupArn(p, g.name),
  storedBytes: g.storedBytes,
  logGroupClass: "STANDARD",
});

export function groupOperations({ store }: LogsDeps): Record<string, Operation> {
  const setRetention = (name: string, days: number | undefined) =>
    store.write(async (tx) => {
      if (!(await tx.logs.group(name))) throw groupNotFound();
      await tx.logs.setRetention(name, days);
    });

  return {
    CreateLogGroup: operation<CreateLogGroupRequest>(CreateLogGroupRequest$, async (input, ctx) => {
      const name = checkGroupName(input.logGroupName ?? "");
      if (input.logGroupClass !== undefined && input.logGroupClass !== "STANDARD") {
        throw new AwsError("InvalidParameterException", `Berth offers the STANDARD log group class only; got '${input.logGroupClass}'.`);
      }
      // The model's limit; the key itself is not used (Berth has no KMS).
      if (input.kmsKeyId !== undefined && input.kmsKeyId.length > 256) {
        throw new AwsError("InvalidParameterException", "1 validation error detected: Value at 'kmsKeyId' failed to satisfy constraint: Member must have length less than or equal to 256");
      }
      const tags = checkTags(input.tags ?? {});
      const created = await store.write((tx) => tx.logs.createGroup({ name, createdMs: ctx.nowMs, tags, storedBytes: 0 }));
      if (!created) throw new AwsError("ResourceAlreadyExistsException", "The specified log group already exists");
      return {};
    }),

    DescribeLogGroups: operation<DescribeLogGroupsRequest>(DescribeLogGroupsRequest$, async (input, ctx) => {
      if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined) {
        throw new AwsError("InvalidParameterException", "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
      }
      const limit = limitOf(input.limit, 50);
      const after = decodePageToken(input.nextToken);
      if (after !== undefined && typeof after !== "string") throw invalidToken();
      if (input.logGroupIdentifiers !== undefined) {
        const found = await store.read(async (tx) => Promise.all(input.logGroupIdentifiers!.map((id) => tx.logs.group(id.replace(/^arn:[^:]*:logs:[^:]*:\d*:log-group:/, "").replace(/:\*$/, "")))));
        return { logGroups: found.filter((g): g is LogGroupRecord => g !== undefined).map((g) => describeGroup(ctx.partition, g)) };
      }
      const page = await store.read((tx) => tx.logs.groups({ prefix: input.logGroupNamePrefix, pattern: input.logGroupNamePattern, after, limit }));
      return { logGroups: page.items.map((g) => describeGroup(ctx.partition, g)), nextToken: page.nextAfter === undefined ? undefined : encodePageToken(page.nextAfter) };
    }),

    DeleteLogGroup: operation<DeleteLogGroupRequest>(DeleteLogGroupRequest$, async (input) => {
      const name = checkGroupName(input.logGroupName ?? "");
      await store.write(async (tx) => {
        if (!(await tx.logs.group(name))) throw groupNotFound();
        await tx.logs.deleteGroup(name);
      });
      return {};
    }),

    PutRetentionPolicy: operation<PutRetentionPolicyRequest>(PutRetentionPolicyRequest$, async (input) => {
      await setRetention(checkGroupName(input.logGroupName ?? ""), checkRetention(input.retentionInDays));
      return {};
    }),

    DeleteRetentionPolicy: operation<DeleteRetentionPolicyRequest>(DeleteRetentionPolicyRequest$, async (input) => {
      await setRetention(checkGroupName(input.logGroupName ?? ""), undefined);
      return {};
    }),
  };
}
