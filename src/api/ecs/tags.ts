import {
  ListTagsForResourceRequest$,
  TagResourceRequest$,
  UntagResourceRequest$,
  type ListTagsForResourceRequest,
  type TagResourceRequest,
  type UntagResourceRequest,
} from "@aws-sdk/client-ecs";
import { ecsResource, parseTaskDefinitionRef } from "../../domain/arn.js";
import { mergeTags, validateTags } from "../../domain/tags.js";
import { AwsError, invalidParameter } from "../../errors/catalog.js";
import type { ReadTx } from "../../state/store.js";
import { operation, type Operation } from "../aws-json/service.js";
import type { EcsDeps } from "./deps.js";
import { excerpt } from "../../observability/excerpt.js";

export function tagOperations({ store }: EcsDeps): Record<string, Operation> {
  return {
    TagResource: operation<TagResourceRequest>(TagResourceRequest$, async (input) => {
      const arn = input.resourceArn ?? "";
      const tags = validateTags(input.tags);
      await store.write(async (tx) => {
        await requireResource(tx, arn);
        mergeTags(await tx.tags.list(arn), tags);
        await tx.tags.put(arn, tags);
      });
      return {};
    }),

    UntagResource: operation<UntagResourceRequest>(UntagResourceRequest$, async (input) => {
      const arn = input.resourceArn ?? "";
      await store.write(async (tx) => {
        await requireResource(tx, arn);
        await tx.tags.remove(arn, input.tagKeys ?? []);
      });
      return {};
    }),

    ListTagsForResource: operation<ListTagsForResourceRequest>(ListTagsForResourceRequest$, (input) =>
      store.read(async (tx) => {
        const arn = input.resourceArn ?? "";
        await requireResource(tx, arn);
        return { tags: await tx.tags.list(arn) };
      }),
    ),
  };
}

/** Tags attach to clusters and task definitions that exist. */
async function requireResource(tx: ReadTx, arn: string): Promise<void> {
  const resource = ecsResource(arn);
  if (resource?.type === "cluster") {
    const cluster = await tx.clusters.get(resource.path);
    if (!cluster || cluster.status !== "ACTIVE") throw new AwsError("ClusterNotFoundException", "Cluster not found.");
    return;
  }
  if (resource?.type === "task-definition") {
    const ref = parseTaskDefinitionRef(arn);
    const found = ref?.revision !== undefined && (await tx.taskDefinitions.get(ref.family, ref.revision));
    if (!found) throw new AwsError("ResourceNotFoundException", `The task definition ${excerpt(arn, 255)} does not exist.`);
    return;
  }
  throw invalidParameter(`'${excerpt(arn, 255)}' is not the ARN of a resource that takes tags: name a cluster or task definition ARN.`);
}
