/**
 * Secrets Manager's secrets as Berth keeps them (migration 21): the secret's metadata and, per
 * version, its staging labels, in one document; the versions' values apart, sealed with the
 * server's key, never in this record (state/secret-records.ts).
 */

export interface SecretTag {
  readonly Key: string;
  readonly Value: string;
}

/** One version of a secret: its id (the ClientRequestToken that made it) and its staging labels. */
export interface SecretVersion {
  readonly id: string;
  /** Staging labels, sorted (as Secrets Manager lists them); none: the version is deprecated. */
  readonly stages: readonly string[];
  readonly createdMs: number;
  /** Midnight (UTC) of the day the version was last read (Secrets Manager keeps days, not times). */
  readonly lastAccessedMs?: number | undefined;
  /** The KMS key the secret named when the version was made; undefined: the default key. */
  readonly kmsKeyId?: string | undefined;
}

export interface SecretRecord {
  readonly name: string;
  /** `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 random characters>`. */
  readonly arn: string;
  /** Bumped by every save; a save over another version throws SecretConflictError. */
  readonly version: number;
  readonly description?: string | undefined;
  /** Recorded and answered as given; Berth has no KMS and seals every value with its own key. */
  readonly kmsKeyId?: string | undefined;
  /** Absent until the secret is first tagged (then `[]` once every tag is removed, as Secrets Manager answers). */
  readonly tags?: readonly SecretTag[] | undefined;
  readonly createdMs: number;
  readonly lastChangedMs: number;
  /** Midnight (UTC) of the day the secret's value was last read. */
  readonly lastAccessedMs?: number | undefined;
  /** When DeleteSecret scheduled the secret's deletion; set: the secret is refused to most calls. */
  readonly deletedMs?: number | undefined;
  /** When a scheduled deletion becomes final (the end of the recovery window). */
  readonly purgeAtMs?: number | undefined;
  /** The resource-based policy's text, as PutResourcePolicy was given it. */
  readonly resourcePolicy?: string | undefined;
  /** Oldest first. */
  readonly versions: readonly SecretVersion[];
}

/** Secrets Manager's staging labels with a meaning of their own. */
export const current = "AWSCURRENT";
export const previous = "AWSPREVIOUS";
export const pending = "AWSPENDING";

/** Whether the secret is gone for good at `nowMs`: its recovery window has ended (the sweep may not have removed it yet). */
export const isPurged = (s: SecretRecord, nowMs: number): boolean => s.purgeAtMs !== undefined && s.purgeAtMs <= nowMs;

/** Midnight (UTC) of the day of `ms`: Secrets Manager's LastAccessedDate has day granularity. */
export const dayOf = (ms: number): number => ms - (((ms % 86_400_000) + 86_400_000) % 86_400_000);
