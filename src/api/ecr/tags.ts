import type { ListTagsForResourceRequest, Tag, TagResourceRequest, UntagResourceRequest } from "@aws-sdk/client-ecr";
import { ListTagsForResourceRequest$, TagResourceRequest$, UntagResourceRequest$ } from "../../aws-sdk/ecr.js";
import { parseEcrRepositoryArn } from "../../domain/arn.js";
import { tagLimits, tagsProblem } from "../../domain/tags.js";
import { AwsError, invalidParameter } from "../../errors/catalog.js";
import { repositoryNotFound } from "../../registry/ecr-errors.js";
import type { ResourceTag } from "../../registry/metadata.js";
import { operation, type Operation, type RequestContext } from "../aws-json/service.js";
import type { EcrDeps } from "./deps.js";
import { excerpt } from "../../observability/excerpt.js";

/**
 * ECR's tags are `{Key, Value}`; the rules are the project's one tag validator (`domain/tags.ts`),
 * with ECR's exception names: TooManyTagsException past 50, InvalidTagParameterException otherwise.
 */
export function checkEcrTags(tags: readonly Tag[]): ResourceTag[] {
  const plain = tags.map((t) => ({ key: t.Key ?? "", value: t.Value ?? "" }));
  if (plain.length > tagLimits.maxTags) throw new AwsError("TooManyTagsException", `A resource can have at most ${tagLimits.maxTags} tags; got ${plain.length}.`);
  const problem = tagsProblem(plain);
  if (problem !== undefined) throw new AwsError("InvalidTagParameterException", problem);
  return plain;
}

const toEcrTags = (tags: readonly ResourceTag[]): Tag[] => tags.map((t) => ({ Key: t.key, Value: t.value }));

/** ListTagsForResource, TagResource, UntagResource on repositories. */
export function tagOperations({ registry }: EcrDeps): Record<string, Operation> {
  /** The repository an ARN names, with its current tags. */
  async function tagged(arn: string | undefined, ctx: RequestContext): Promise<{ name: string; tags: ResourceTag[] }> {
    const parsed = parseEcrRepositoryArn(arn ?? "");
    if (parsed === undefined) throw invalidParameter(`Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN: ${excerpt(arn, 255)}'`);
    const tags = parsed.accountId === ctx.partition.accountId ? await registry.metadata.listRepositoryTags(parsed.name) : undefined;
    if (tags === undefined) throw repositoryNotFound(parsed.name, parsed.accountId);
    return { name: parsed.name, tags };
  }

  return {
    ListTagsForResource: operation<ListTagsForResourceRequest>(ListTagsForResourceRequest$, async (input, ctx) => {
      const { tags } = await tagged(input.resourceArn, ctx);
      return { tags: toEcrTags(tags) };
    }),

    TagResource: operation<TagResourceRequest>(TagResourceRequest$, async (input, ctx) => {
      const { name, tags } = await tagged(input.resourceArn, ctx);
      const merged = new Map(tags.map((t) => [t.key, t]));
      for (const t of checkEcrTags(input.tags ?? [])) merged.set(t.key, t);
      await registry.metadata.setRepositoryTags(name, checkEcrTags(toEcrTags([...merged.values()])));
      return {};
    }),

    UntagResource: operation<UntagResourceRequest>(UntagResourceRequest$, async (input, ctx) => {
      const { name, tags } = await tagged(input.resourceArn, ctx);
      const drop = new Set(input.tagKeys ?? []);
      await registry.metadata.setRepositoryTags(name, tags.filter((t) => !drop.has(t.key)));
      return {};
    }),
  };
}
