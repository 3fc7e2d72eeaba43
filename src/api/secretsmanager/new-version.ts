import type { SecretBox } from "../../auth/secret-box.js";
import type { SecretRecord, SecretVersion } from "../../domain/secrets/secret.js";
import { addVersion } from "../../domain/secrets/stages.js";
import { AwsError } from "../../errors/catalog.js";
import type { WriteTx } from "../../state/store.js";
import type { NewValue } from "./checks.js";
import { openValue, sameValue, sealValue } from "./sealed-value.js";

/** A value to store as a new version: its id (the call's ClientRequestToken) and the labels it asks for (AWSCURRENT when none). */
export interface NewVersion extends NewValue {
  readonly labels?: readonly string[] | undefined;
}

/**
 * The version a ClientRequestToken already names, when it holds the same value (the call is a
 * retry, answered as the first time); undefined when no version has that id. The same token with
 * another value is ResourceExistsException: a version's value never changes.
 */
export async function sameRequest(tx: WriteTx, box: SecretBox, secret: SecretRecord, v: NewVersion): Promise<SecretVersion | undefined> {
  const existing = secret.versions.find((x) => x.id === v.token);
  if (existing === undefined) return undefined;
  const sealed = await tx.secrets.value(secret.arn, existing.id);
  if (sealed !== undefined && sameValue(openValue(box, sealed), v.value)) return existing;
  throw new AwsError("ResourceExistsException", `You can't use ClientRequestToken ${v.token} because that value is already in use for a version of secret ${secret.arn}.`);
}

/**
 * Saves `v` as a new version of `secret` (with `changes` to its other members, UpdateSecret's), its
 * value sealed; the labels move as PutSecretValue moves them (domain/secrets/stages.ts) and the
 * versions past Secrets Manager's limit go, with their values. A retry of the same request changes
 * nothing. `secret` at version 0 is a new secret (CreateSecret's).
 */
export async function putVersion(
  tx: WriteTx,
  box: SecretBox,
  secret: SecretRecord,
  v: NewVersion,
  nowMs: number,
  changes: Partial<Pick<SecretRecord, "description" | "kmsKeyId">> = {},
): Promise<{ readonly secret: SecretRecord; readonly version: SecretVersion }> {
  const again = await sameRequest(tx, box, secret, v);
  if (again !== undefined) return { secret, version: again };
  const kmsKeyId = "kmsKeyId" in changes ? changes.kmsKeyId : secret.kmsKeyId;
  const { versions, dropped } = addVersion(secret.versions, { id: v.token, createdMs: nowMs, kmsKeyId }, v.labels);
  const saved: SecretRecord = { ...secret, ...changes, versions, version: secret.version + 1, lastChangedMs: nowMs };
  await tx.secrets.put(saved);
  await tx.secrets.putValue(secret.arn, v.token, sealValue(box, v.value));
  await tx.secrets.deleteValues(secret.arn, dropped);
  return { secret: saved, version: versions.find((x) => x.id === v.token)! };
}
