import type { SecretRecord } from "../domain/secrets/secret.js";

/**
 * Secrets Manager's secrets as the store keeps them (migration 21): one document per secret (its
 * metadata and its versions' labels: domain/secrets/secret.ts), unique by name and by ARN, the end of
 * a scheduled deletion a column for the sweep; and each version's value in a row of its own, as the
 * API seals it (`auth/secret-box.ts`): the store never sees a value in clear.
 */
export interface SecretReader {
  get(name: string): Promise<SecretRecord | undefined>;
  /** By the full ARN (name and suffix). */
  byArn(arn: string): Promise<SecretRecord | undefined>;
  /** Every secret, ordered by name: ListSecrets filters and sorts them in memory (a region holds thousands at most). */
  list(): Promise<SecretRecord[]>;
  /** The sealed value of one version of the secret of that ARN. */
  value(arn: string, versionId: string): Promise<string | undefined>;
  /** Secrets whose recovery window has ended (purgeAtMs ≤ nowMs), soonest first, at most `limit`. */
  due(nowMs: number, limit: number): Promise<SecretRecord[]>;
}

export interface SecretRepository extends SecretReader {
  /** Saves version 1 as a new secret (a taken name or ARN throws), version n + 1 only over version n; otherwise throws SecretConflictError. */
  put(record: SecretRecord): Promise<void>;
  /** Saves a version's sealed value (a version's value never changes: the first save stays). */
  putValue(arn: string, versionId: string, sealed: string): Promise<void>;
  deleteValues(arn: string, versionIds: readonly string[]): Promise<void>;
  /** Removes the secret and all its values. */
  delete(name: string): Promise<void>;
}

export class SecretConflictError extends Error {
  override readonly name = "SecretConflictError";
  constructor(readonly secret: string) {
    super(`secret ${secret} was saved by another writer, or its name is taken`);
  }
}
