import type { ListTagsForResourceRequest, ListTagsLogGroupRequest, TagLogGroupRequest, TagResourceRequest, UntagLogGroupRequest, UntagResourceRequest } from "@aws-sdk/client-cloudwatch-logs";
import { ListTagsForResourceRequest$, ListTagsLogGroupRequest$, TagLogGroupRequest$, TagResourceRequest$, UntagLogGroupRequest$, UntagResourceRequest$ } from "../../aws-sdk/cloudwatch-logs.js";
import { parseLogGroupArn } from "../../domain/arn.js";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { operation, type Operation } from "../aws-json/service.js";
import type { LogsDeps } from "./deps.js";
import { checkGroupName, checkTags, groupNotFound } from "./names.js";

/** Tags of log groups, by ARN (TagResource and its kin) and by name (the older TagLogGroup and its kin). */
export function tagOperations({ store }: LogsDeps): Record<string, Operation> {
  const groupOfArn = (arn: string): string => {
    const name = parseLogGroupArn(arn);
    if (name === undefined) throw new AwsError("InvalidParameterException", `'${excerpt(arn, 256)}' is not the ARN of a log group (arn:aws:logs:<region>:<account>:log-group:<name>).`);
    return name;
  };
  const tagsOf = (group: string) =>
    store.read(async (tx) => {
      const g = await tx.logs.group(group);
      if (!g) throw groupNotFound();
      return g.tags;
    });
  const change = (group: string, edit: (tags: Record<string, string>) => Record<string, string>) =>
    store.write(async (tx) => {
      const g = await tx.logs.group(group);
      if (!g) throw groupNotFound();
      await tx.logs.setTags(group, checkTags(edit({ ...g.tags })));
      return {};
    });
  const without = (keys: readonly string[]) => (tags: Record<string, string>) => Object.fromEntries(Object.entries(tags).filter(([k]) => !keys.includes(k)));

  return {
    TagResource: operation<TagResourceRequest>(TagResourceRequest$, (input) => change(groupOfArn(input.resourceArn ?? ""), (t) => ({ ...t, ...input.tags }))),
    UntagResource: operation<UntagResourceRequest>(UntagResourceRequest$, (input) => change(groupOfArn(input.resourceArn ?? ""), without(input.tagKeys ?? []))),
    ListTagsForResource: operation<ListTagsForResourceRequest>(ListTagsForResourceRequest$, async (input) => ({ tags: await tagsOf(groupOfArn(input.resourceArn ?? "")) })),
    TagLogGroup: operation<TagLogGroupRequest>(TagLogGroupRequest$, (input) => change(checkGroupName(input.logGroupName ?? ""), (t) => ({ ...t, ...input.tags }))),
    UntagLogGroup: operation<UntagLogGroupRequest>(UntagLogGroupRequest$, (input) => change(checkGroupName(input.logGroupName ?? ""), without(input.tags ?? []))),
    ListTagsLogGroup: operation<ListTagsLogGroupRequest>(ListTagsLogGroupRequest$, async (input) => ({ tags: await tagsOf(checkGroupName(input.logGroupName ?? "")) })),
  };
}
