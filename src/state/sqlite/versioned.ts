import type { Change } from "../changes.js";
import { VersionConflictError, type VersionedKind } from "../version-conflict.js";
import type { ChangeRecorder } from "./change-table.js";

/** One record's conditional save, as statements over its table (see `saveVersioned`). */
export interface VersionedSave {
  readonly kind: VersionedKind;
  readonly key: string;
  readonly version: number;
  /** Inserts the row unless its key is taken; returns the rows changed. */
  readonly insert: () => number;
  /** Replaces the row where its stored version is `version - 1`; returns the rows changed. */
  readonly update: () => number;
  /** The version stored now, for the error. */
  readonly stored: () => number | undefined;
  /** What the change log records of a save that succeeds. */
  readonly change: Change;
}

/**
 * Saves a versioned record: version 1 only as a new row, version n + 1 only over version n. The check
 * is in the statement itself (`WHERE version = n`), not a read before it, so it holds for writers
 * on other connections too. Anything else changes nothing and throws VersionConflictError. A save
 * that succeeds appends its record to the change log in the same transaction: no save goes unlogged.
 */
export function saveVersioned(s: VersionedSave, log: ChangeRecorder): void {
  const changed = s.version === 1 ? s.insert() : Number.isInteger(s.version) && s.version > 1 ? s.update() : 0;
  if (changed === 0) throw new VersionConflictError({ kind: s.kind, key: s.key, readVersion: s.version - 1, storedVersion: s.stored() });
  log.append(s.change, s.key);
}
