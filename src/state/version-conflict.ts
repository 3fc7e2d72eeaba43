/** The kinds of record whose saves are conditional on their version (task definitions are immutable). */
export type VersionedKind = "cluster" | "containerInstance" | "task" | "service";

/**
 * A save refused because the record changed since the writer read it: `put(record)` with
 * `record.version = n + 1` succeeds only while the stored version is still `n` (or, for `n = 0`,
 * while there is no such record). The store throws it from `put`, so the surrounding write rolls
 * back; a caller that may race (a read outside the write, another replica) re-reads and tries again.
 */
export class VersionConflictError extends Error {
  override readonly name = "VersionConflictError";
  readonly kind: VersionedKind;
  /** The record's key: a cluster's name, an instance's or a task's ARN, `cluster/name` for a service. */
  readonly key: string;
  /** The version the writer read (one below the version it tried to save; 0 for a new record). */
  readonly readVersion: number;
  /** The version stored now; undefined when there is no such record. */
  readonly storedVersion: number | undefined;

  constructor(f: { kind: VersionedKind; key: string; readVersion: number; storedVersion: number | undefined }) {
    super(
      `${f.kind} ${f.key} changed since it was read: saving over version ${f.readVersion}, but ` +
        (f.storedVersion === undefined ? "there is no such record" : `version ${f.storedVersion} is stored`),
    );
    this.kind = f.kind;
    this.key = f.key;
    this.readVersion = f.readVersion;
    this.storedVersion = f.storedVersion;
  }
}

export const isVersionConflict = (e: unknown): e is VersionConflictError => e instanceof VersionConflictError;
