import type { Change } from "../changes.js";
import { VersionConflictError, type VersionedKind } from "../version-conflict.js";
import type { ChangeRecorder } from "./change-table.js";

/** One record's conditional save, as statements over its table (see `saveVersioned`). */
export interface VersionedSave {
  readonly kind: VersionedKind;
  readonly key: string;
  readonly version: number;
  /** Inserts the row unless its key is taken (`ON CONFLICT DO NOTHING`); resolves with the rows changed. */
  readonly insert: () => Promise<number>;
  /** Replaces the row where its stored version is `version - 1`; resolves with the rows changed. */
  readonly update: () => Promise<number>;
  /** The version stored now, for the error. */
  readonly stored: () => Promise<number | undefined>;
  /** What the change log records of a save that succeeds. */
  readonly change: Change;
}

/**
 * Saves a versioned record, as sqlite/versioned.ts does: version 1 only as a new row, version n + 1
 * only over version n, checked in the statement itself (`WHERE version = n`) so that it holds for
 * every replica's writes; anything else changes nothing and throws VersionConflictError. A save
 * that succeeds appends its record to the change log in the same transaction.
 */
export async function saveVersioned(s: VersionedSave, log: ChangeRecorder): Promise<void> {
  const changed = s.version === 1 ? await s.insert() : Number.isInteger(s.version) && s.version > 1 ? await s.update() : 0;
  if (changed === 0) throw new VersionConflictError({ kind: s.kind, key: s.key, readVersion: s.version - 1, storedVersion: await s.stored() });
  await log.append(s.change, s.key);
}
