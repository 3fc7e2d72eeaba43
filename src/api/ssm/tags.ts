import type { AddTagsToResourceRequest, ListTagsForResourceRequest, RemoveTagsFromResourceRequest } from "@aws-sdk/client-ssm";
import { AddTagsToResourceRequest$, ListTagsForResourceRequest$, RemoveTagsFromResourceRequest$ } from "../../aws-sdk/ssm.js";
import type { Partition } from "../../domain/arn.js";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { ParameterRecord } from "../../state/parameter-records.js";
import type { ReadTx } from "../../state/store.js";
import { operation, type Operation } from "../aws-json/service.js";
import type { SsmDeps } from "./deps.js";
import { parseRef } from "./names.js";
import { checkTagKey, checkTags, tagList, tagMap } from "./tag-rules.js";

/** Every resource type the SSM model tags; Berth's Systems Manager has parameters only. */
const resourceTypes = ["Document", "ManagedInstance", "MaintenanceWindow", "Parameter", "PatchBaseline", "OpsItem", "OpsMetadata", "Automation", "Association"];

/** AddTagsToResource, RemoveTagsFromResource and ListTagsForResource, for ResourceType `Parameter` (the ResourceId: its name or ARN). */
export function tagOperations({ store }: SsmDeps): Record<string, Operation> {
  const parameterOf = async (tx: ReadTx, input: { ResourceType?: string | undefined; ResourceId?: string | undefined }, p: Partition): Promise<ParameterRecord> => {
    const type = String(input.ResourceType ?? "");
    if (!resourceTypes.includes(type)) {
      throw new AwsError("ValidationException", `1 validation error detected: Value '${excerpt(type, 64)}' at 'resourceType' failed to satisfy constraint: Member must satisfy enum value set: [${resourceTypes.join(", ")}]`);
    }
    if (type !== "Parameter") throw new AwsError("InvalidResourceType", `Berth's Systems Manager has parameters only: ResourceType ${type} names nothing here.`);
    const id = input.ResourceId ?? "";
    const ref = id.length >= 1 && id.length <= 2048 ? parseRef(id, p) : { candidates: [] };
    for (const name of ref.selector ? [] : ref.candidates) {
      const found = await tx.parameters.get(name);
      if (found) return found;
    }
    throw new AwsError("InvalidResourceId", `The resource ID "${excerpt(id, 256)}" is not valid: no parameter has that name. Verify the ID and try again.`);
  };

  return {
    AddTagsToResource: operation<AddTagsToResourceRequest>(AddTagsToResourceRequest$, (input, ctx) =>
      store.write(async (tx) => {
        const parameter = await parameterOf(tx, input, ctx.partition);
        await tx.parameters.setTags(parameter.name, checkTags({ ...parameter.tags, ...tagMap(input.Tags ?? []) }, "TooManyTagsError"));
        return {};
      }),
    ),

    RemoveTagsFromResource: operation<RemoveTagsFromResourceRequest>(RemoveTagsFromResourceRequest$, (input, ctx) =>
      store.write(async (tx) => {
        const parameter = await parameterOf(tx, input, ctx.partition);
        const keys = (input.TagKeys ?? []).map((k) => checkTagKey(k));
        await tx.parameters.setTags(parameter.name, Object.fromEntries(Object.entries(parameter.tags).filter(([k]) => !keys.includes(k))));
        return {};
      }),
    ),

    ListTagsForResource: operation<ListTagsForResourceRequest>(ListTagsForResourceRequest$, async (input, ctx) => {
      const parameter = await store.read((tx) => parameterOf(tx, input, ctx.partition));
      return { TagList: tagList(parameter.tags) };
    }),
  };
}
