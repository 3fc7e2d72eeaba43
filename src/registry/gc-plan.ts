import type { BlobInfo, UploadState } from "./blob-store.js";

/** What a garbage collection would remove, and why each survivor was kept is implied by the rules below. */
export interface GcPlan {
  readonly blobs: readonly string[];
  readonly uploads: readonly string[];
}

export interface GcInputs {
  readonly blobs: readonly BlobInfo[];
  readonly uploads: readonly UploadState[];
  /** Blobs some manifest refers to. */
  readonly referenced: ReadonlySet<string>;
  readonly nowMs: number;
  /**
   * A blob younger than this survives even when unreferenced: a push uploads layers before the
   * manifest that refers to them, and GC must not pull the floor from under it.
   */
  readonly blobGraceMs: number;
  /** Upload sessions idle (by start time) longer than this are abandoned. */
  readonly uploadMaxAgeMs: number;
}

/** Decides what to collect; pure, so that it can be tested as a table and applied by whoever owns the I/O. */
export function planGc(input: GcInputs): GcPlan {
  const blobs = input.blobs
    .filter((b) => !input.referenced.has(b.digest) && input.nowMs - b.mtimeMs >= input.blobGraceMs)
    .map((b) => b.digest)
    .sort();
  const uploads = input.uploads
    .filter((u) => input.nowMs - u.startedAtMs >= input.uploadMaxAgeMs)
    .map((u) => u.id)
    .sort();
  return { blobs, uploads };
}
