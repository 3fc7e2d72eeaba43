import type { CreateSecretRequest, DeleteSecretRequest, DescribeSecretRequest, RestoreSecretRequest, UpdateSecretRequest } from "@aws-sdk/client-secrets-manager";
import { CreateSecretRequest$, DeleteSecretRequest$, DescribeSecretRequest$, RestoreSecretRequest$, UpdateSecretRequest$ } from "../../aws-sdk/secrets-manager.js";
import { secretArn } from "../../domain/arn.js";
import { arnSuffix, unresolvedArn } from "../../domain/secrets/secret-id.js";
import { isPurged, type SecretRecord } from "../../domain/secrets/secret.js";
import { AwsError } from "../../errors/catalog.js";
import { operation, type Operation } from "../aws-json/service.js";
import { checkName, checkTags, checkText, newVersionOf, secretRefOf, secretValueOf } from "./checks.js";
import type { SecretsManagerDeps } from "./deps.js";
import { markedForDeletion, secretNotFound } from "./errors.js";
import { findSecret, requireLiveSecret, requireSecret } from "./lookup.js";
import { putVersion, sameRequest } from "./new-version.js";
import { describeView } from "./views.js";

const dayMs = 86_400_000;

/** Managed external secrets (`Type`) are a partner's secrets held by AWS: Berth has no partners. */
const refuseType = (type: string | undefined): void => {
  if (type !== undefined) throw new AwsError("InvalidParameterException", "Berth holds no managed external secrets: Type is not supported (see docs/compatibility.md).");
};

/** A secret's life: creation, description, changes of its metadata (and value), deletion with a recovery window, restoration. */
export function secretOperations({ store, box, randomInt }: SecretsManagerDeps): Record<string, Operation> {
  return {
    CreateSecret: operation<CreateSecretRequest>(CreateSecretRequest$, async (input, ctx) => {
      const name = checkName(input.Name ?? "");
      const description = checkText(input.Description, "description");
      const kmsKeyId = checkText(input.KmsKeyId, "kmsKeyId");
      const tags = input.Tags === undefined ? undefined : checkTags(input.Tags);
      refuseType(input.Type);
      if (input.AddReplicaRegions !== undefined && input.AddReplicaRegions.length > 0) {
        throw new AwsError("InvalidRequestException", "Berth does not replicate secrets to other regions (AddReplicaRegions): create the secret in each region that reads it (see docs/compatibility.md).");
      }
      const added = newVersionOf(input.ClientRequestToken, secretValueOf(input));
      return store.write(async (tx) => {
        const existing = await tx.secrets.get(name);
        if (existing && !isPurged(existing, ctx.nowMs)) {
          if (existing.deletedMs !== undefined) throw new AwsError("InvalidRequestException", "You can't create this secret because a secret with this name is already scheduled for deletion.");
          // The same request again (its token names a version with its value): answered as the first time.
          const again = added === undefined ? undefined : await sameRequest(tx, box, existing, added);
          if (again === undefined) throw new AwsError("ResourceExistsException", `The operation failed because the secret ${name} already exists.`);
          return { ARN: existing.arn, Name: existing.name, VersionId: again.id };
        }
        // One whose recovery window ended before the sweep came by: gone, its name free.
        if (existing) await tx.secrets.delete(existing.name);
        const draft: SecretRecord = {
          name,
          arn: secretArn(ctx.partition, name, arnSuffix(randomInt)),
          version: 0,
          description,
          kmsKeyId: kmsKeyId === "" ? undefined : kmsKeyId,
          tags,
          createdMs: ctx.nowMs,
          lastChangedMs: ctx.nowMs,
          versions: [],
        };
        if (added === undefined) {
          await tx.secrets.put({ ...draft, version: 1 });
          return { ARN: draft.arn, Name: name };
        }
        const { version } = await putVersion(tx, box, draft, added, ctx.nowMs);
        return { ARN: draft.arn, Name: name, VersionId: version.id };
      });
    }),

    DescribeSecret: operation<DescribeSecretRequest>(DescribeSecretRequest$, async (input, ctx) => {
      const ref = secretRefOf(input.SecretId ?? "", ctx.partition);
      return describeView(await store.read((tx) => requireSecret(tx, ref, ctx.nowMs)));
    }),

    UpdateSecret: operation<UpdateSecretRequest>(UpdateSecretRequest$, async (input, ctx) => {
      const ref = secretRefOf(input.SecretId ?? "", ctx.partition);
      const description = checkText(input.Description, "description");
      const kmsKeyId = checkText(input.KmsKeyId, "kmsKeyId");
      refuseType(input.Type);
      const added = newVersionOf(input.ClientRequestToken, secretValueOf(input));
      // An empty KmsKeyId goes back to the default key.
      const changes = { ...(description !== undefined && { description }), ...(kmsKeyId !== undefined && { kmsKeyId: kmsKeyId === "" ? undefined : kmsKeyId }) };
      return store.write(async (tx) => {
        const secret = await requireLiveSecret(tx, ref, ctx.nowMs);
        if (added !== undefined) {
          const { version } = await putVersion(tx, box, secret, added, ctx.nowMs, changes);
          return { ARN: secret.arn, Name: secret.name, VersionId: version.id };
        }
        if (Object.keys(changes).length > 0) await tx.secrets.put({ ...secret, ...changes, version: secret.version + 1, lastChangedMs: ctx.nowMs });
        return { ARN: secret.arn, Name: secret.name };
      });
    }),

    DeleteSecret: operation<DeleteSecretRequest>(DeleteSecretRequest$, async (input, ctx) => {
      const ref = secretRefOf(input.SecretId ?? "", ctx.partition);
      const days = input.RecoveryWindowInDays;
      const force = input.ForceDeleteWithoutRecovery === true;
      if (force && days !== undefined) throw new AwsError("InvalidParameterException", "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
      if (days !== undefined && (days < 7 || days > 30)) throw new AwsError("InvalidParameterException", "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).");
      return store.write(async (tx) => {
        const secret = await findSecret(tx, ref, ctx.nowMs);
        if (!secret) {
          if (!force) throw secretNotFound();
          // Secrets Manager answers a forced deletion of nothing as if it had deleted something.
          const name = ref.kind === "name" ? ref.name : ref.kind === "arn" ? ref.tail : ref.arn;
          return { ARN: ref.kind === "name" ? secretArn(ctx.partition, ref.name, arnSuffix(randomInt)) : unresolvedArn(ref, ctx.partition), Name: name, DeletionDate: new Date(ctx.nowMs) };
        }
        if (force) {
          await tx.secrets.delete(secret.name);
          return { ARN: secret.arn, Name: secret.name, DeletionDate: new Date(ctx.nowMs) };
        }
        if (secret.deletedMs !== undefined) throw markedForDeletion();
        const purgeAtMs = ctx.nowMs + (days ?? 30) * dayMs;
        await tx.secrets.put({ ...secret, deletedMs: ctx.nowMs, purgeAtMs, version: secret.version + 1, lastChangedMs: ctx.nowMs });
        return { ARN: secret.arn, Name: secret.name, DeletionDate: new Date(purgeAtMs) };
      });
    }),

    RestoreSecret: operation<RestoreSecretRequest>(RestoreSecretRequest$, async (input, ctx) => {
      const ref = secretRefOf(input.SecretId ?? "", ctx.partition);
      return store.write(async (tx) => {
        const secret = await requireSecret(tx, ref, ctx.nowMs);
        if (secret.deletedMs !== undefined) {
          await tx.secrets.put({ ...secret, deletedMs: undefined, purgeAtMs: undefined, version: secret.version + 1, lastChangedMs: ctx.nowMs });
        }
        return { ARN: secret.arn, Name: secret.name };
      });
    }),
  };
}
