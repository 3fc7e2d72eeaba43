import type { SecretRef } from "../../domain/secrets/secret-id.js";
import { isPurged, type SecretRecord } from "../../domain/secrets/secret.js";
import type { ReadTx } from "../../state/store.js";
import { markedForDeletion, secretNotFound } from "./errors.js";

/**
 * The secret a SecretId names, if any: by name; by full ARN, else by a partial ARN's name (the
 * store alone knows which an ARN is). A secret whose recovery window has ended is gone, whether or
 * not the sweep has removed it yet.
 */
export async function findSecret(tx: ReadTx, ref: SecretRef, nowMs: number): Promise<SecretRecord | undefined> {
  const found = ref.kind === "name" ? await tx.secrets.get(ref.name) : ref.kind === "arn" ? ((await tx.secrets.byArn(ref.arn)) ?? (await tx.secrets.get(ref.tail))) : undefined;
  return found && !isPurged(found, nowMs) ? found : undefined;
}

/** The secret a SecretId names; ResourceNotFoundException when there is none. */
export async function requireSecret(tx: ReadTx, ref: SecretRef, nowMs: number): Promise<SecretRecord> {
  const found = await findSecret(tx, ref, nowMs);
  if (!found) throw secretNotFound();
  return found;
}

/** The secret, unless it is scheduled for deletion (what most calls refuse until RestoreSecret). */
export async function requireLiveSecret(tx: ReadTx, ref: SecretRef, nowMs: number): Promise<SecretRecord> {
  const found = await requireSecret(tx, ref, nowMs);
  if (found.deletedMs !== undefined) throw markedForDeletion();
  return found;
}
