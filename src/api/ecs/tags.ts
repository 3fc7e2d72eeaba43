import type { ListTagsForResourceRequest, TagResourceRequest, UntagResourceRequest } from "@aws-sdk/client-ecs";
import { ListTagsForResourceRequest$, TagResourceRequest$, UntagResourceRequest$ } from "../../aws-sdk/ecs.js";
import { mergeTags, validateTags } from "../../domain/tags.js";
import { invalidParameter } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { operation, type Operation } from "../aws-json/service.js";
import type { EcsDeps } from "./deps.js";
import { taggedResource } from "./tagged-resources.js";

/** Tags of every ECS resource that takes them (tagged-resources.ts), with ECS's limits (domain/tags.ts). */
export function tagOperations({ store }: EcsDeps): Record<string, Operation> {
  return {
    TagResource: operation<TagResourceRequest>(TagResourceRequest$, async (input) => {
      const tags = validateTags(input.tags);
      if (tags.length === 0) throw invalidParameter("tags must contain at least one tag.");
      await store.write(async (tx) => {
        const resource = await taggedResource(tx, input.resourceArn ?? "");
        await resource.save(tx, mergeTags(resource.tags, tags));
      });
      return {};
    }),

    UntagResource: operation<UntagResourceRequest>(UntagResourceRequest$, async (input) => {
      const keys = input.tagKeys ?? [];
      const reserved = keys.find((k) => k.toLowerCase().startsWith("aws:"));
      if (reserved !== undefined) throw invalidParameter(`Invalid tag key '${excerpt(reserved, 128)}'. Tags with the 'aws:' prefix are AWS's and cannot be removed.`);
      await store.write(async (tx) => {
        const resource = await taggedResource(tx, input.resourceArn ?? "");
        const gone = new Set(keys);
        if (resource.tags.some((t) => gone.has(t.key ?? ""))) await resource.save(tx, resource.tags.filter((t) => !gone.has(t.key ?? "")));
      });
      return {};
    }),

    ListTagsForResource: operation<ListTagsForResourceRequest>(ListTagsForResourceRequest$, (input) =>
      store.read(async (tx) => ({ tags: [...(await taggedResource(tx, input.resourceArn ?? "")).tags] })),
    ),
  };
}
