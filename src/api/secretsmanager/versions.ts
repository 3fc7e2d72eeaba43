import type { ListSecretVersionIdsRequest, UpdateSecretVersionStageRequest } from "@aws-sdk/client-secrets-manager";
import { ListSecretVersionIdsRequest$, UpdateSecretVersionStageRequest$ } from "../../aws-sdk/secrets-manager.js";
import type { SecretVersion } from "../../domain/secrets/secret.js";
import { moveStage } from "../../domain/secrets/stages.js";
import { AwsError } from "../../errors/catalog.js";
import { operation, type Operation } from "../aws-json/service.js";
import { keyToken } from "../pagination.js";
import { checkStage, checkVersionId, decodeToken, maxResultsOf, secretRefOf } from "./checks.js";
import type { SecretsManagerDeps } from "./deps.js";
import { requireLiveSecret, requireSecret } from "./lookup.js";
import { versionEntry } from "./views.js";

/** Where a page of versions ends: the last version's creation time and id (the listing's order). */
type VersionKey = readonly [number, string];
const isVersionKey = (k: unknown): k is VersionKey => Array.isArray(k) && k.length === 2 && typeof k[0] === "number" && typeof k[1] === "string";
const keyOf = (v: SecretVersion): VersionKey => [v.createdMs, v.id];
const after = (a: VersionKey, b: VersionKey): boolean => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

/** A secret's versions and the moves of their staging labels. */
export function versionOperations({ store }: SecretsManagerDeps): Record<string, Operation> {
  return {
    ListSecretVersionIds: operation<ListSecretVersionIdsRequest>(ListSecretVersionIdsRequest$, async (input, ctx) => {
      const ref = secretRefOf(input.SecretId ?? "", ctx.partition);
      const limit = maxResultsOf(input.MaxResults, 100);
      const from = decodeToken(input.NextToken, isVersionKey);
      // Allowed on a secret scheduled for deletion: the model declares no InvalidRequestException for it.
      const secret = await store.read((tx) => requireSecret(tx, ref, ctx.nowMs));
      const listed = secret.versions
        .filter((v) => input.IncludeDeprecated === true || v.stages.length > 0)
        .sort((a, b) => (after(keyOf(a), keyOf(b)) ? 1 : -1))
        .filter((v) => from === undefined || after(keyOf(v), from));
      const page = listed.slice(0, limit);
      const last = page.at(-1);
      return { ARN: secret.arn, Name: secret.name, Versions: page.map(versionEntry), NextToken: listed.length > limit && last ? keyToken(keyOf(last)) : undefined };
    }),

    UpdateSecretVersionStage: operation<UpdateSecretVersionStageRequest>(UpdateSecretVersionStageRequest$, async (input, ctx) => {
      const ref = secretRefOf(input.SecretId ?? "", ctx.partition);
      const label = checkStage(input.VersionStage ?? "", "versionStage");
      const removeFrom = checkVersionId(input.RemoveFromVersionId, "removeFromVersionId");
      const moveTo = checkVersionId(input.MoveToVersionId, "moveToVersionId");
      return store.write(async (tx) => {
        const secret = await requireLiveSecret(tx, ref, ctx.nowMs);
        const moved = moveStage(secret.versions, { label, removeFrom, moveTo });
        if (typeof moved === "string") throw new AwsError("InvalidParameterException", moved);
        await tx.secrets.put({ ...secret, versions: moved.versions, version: secret.version + 1, lastChangedMs: ctx.nowMs });
        await tx.secrets.deleteValues(secret.arn, moved.dropped);
        return { ARN: secret.arn, Name: secret.name };
      });
    }),
  };
}
