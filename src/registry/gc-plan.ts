import type { BlobInfo } from "./blob-store.js";

/** What a garbage collection removed: unreferenced blobs, and upload sessions idle past their timeout. */
export interface GcPlan {
  readonly blobs: readonly string[];
  readonly uploads: readonly string[];
}

export interface GcInputs {
  readonly blobs: readonly BlobInfo[];
  /** Blobs some manifest refers to. */
  readonly referenced: ReadonlySet<string>;
  readonly nowMs: number;
  /**
   * A blob younger than this survives even when unreferenced: a push uploads layers before the
   * manifest that refers to them, and GC must not pull the floor from under it.
   */
  readonly blobGraceMs: number;
}

/**
 * Decides which blobs to collect; pure, so that it can be tested as a table and applied by whoever
 * owns the I/O. (Idle upload sessions are decided by `idleSessions` in `upload-limits.ts`.)
 */
export function planGc(input: GcInputs): string[] {
  return input.blobs
    .filter((b) => !input.referenced.has(b.digest) && input.nowMs - b.mtimeMs >= input.blobGraceMs)
    .map((b) => b.digest)
    .sort();
}
