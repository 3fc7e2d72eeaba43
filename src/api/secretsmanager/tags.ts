import type { TagResourceRequest, UntagResourceRequest } from "@aws-sdk/client-secrets-manager";
import { TagResourceRequest$, UntagResourceRequest$ } from "../../aws-sdk/secrets-manager.js";
import type { SecretRef } from "../../domain/secrets/secret-id.js";
import type { SecretTag } from "../../domain/secrets/secret.js";
import { operation, type Operation } from "../aws-json/service.js";
import { checkLength, checkTags, mergedTags, secretRefOf } from "./checks.js";
import type { SecretsManagerDeps } from "./deps.js";
import { requireLiveSecret } from "./lookup.js";

/** A secret's tags, by SecretId (a name or an ARN): TagResource adds or overwrites keys, UntagResource removes them. */
export function tagOperations({ store }: SecretsManagerDeps): Record<string, Operation> {
  const change = (ref: SecretRef, nowMs: number, edit: (tags: readonly SecretTag[]) => SecretTag[]) =>
    store.write(async (tx) => {
      const secret = await requireLiveSecret(tx, ref, nowMs);
      await tx.secrets.put({ ...secret, tags: edit(secret.tags ?? []), version: secret.version + 1, lastChangedMs: nowMs });
      return {};
    });
  return {
    TagResource: operation<TagResourceRequest>(TagResourceRequest$, async (input, ctx) => {
      const ref = secretRefOf(input.SecretId ?? "", ctx.partition);
      const added = checkTags(input.Tags ?? []);
      return change(ref, ctx.nowMs, (tags) => mergedTags(tags, added));
    }),
    UntagResource: operation<UntagResourceRequest>(UntagResourceRequest$, async (input, ctx) => {
      const ref = secretRefOf(input.SecretId ?? "", ctx.partition);
      const keys = new Set(checkLength(input.TagKeys ?? [], "tagKeys", 0, 50));
      return change(ref, ctx.nowMs, (tags) => tags.filter((t) => !keys.has(t.Key)));
    }),
  };
}
