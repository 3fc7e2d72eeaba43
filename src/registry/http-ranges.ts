/**
 * The two range headers the distribution API speaks: `Range: bytes=a-b` on blob reads (RFC 9110)
 * and `Content-Range: a-b` on chunk uploads (the spec's own form, without a unit).
 */

export type ByteRange = { readonly start: number; readonly end: number };

export type RangeRequest =
  | { readonly kind: "whole" }
  | { readonly kind: "range"; readonly range: ByteRange }
  | { readonly kind: "unsatisfiable" };

/**
 * Interprets a `Range` header against a blob of `size` bytes. Multiple ranges and malformed
 * headers are ignored (the whole blob is served), as RFC 9110 allows.
 */
export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: "whole" };
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return { kind: "whole" };
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "range", range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return { kind: "unsatisfiable" };
  return { kind: "range", range: { start, end } };
}

/** The bytes a chunk claims to be: `start` and `length` (`end - start + 1`). */
export type ChunkRange = { readonly start: number; readonly length: number };

/**
 * A chunk's `Content-Range: <start>-<end>` (inclusive; a `bytes ` prefix and `/<total>` suffix
 * tolerated), undefined when absent, null when malformed or backwards.
 */
export function chunkRange(header: string | undefined): ChunkRange | undefined | null {
  if (header === undefined) return undefined;
  const m = /^(?:bytes[= ])?(\d{1,15})-(\d{1,15})(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (!m) return null;
  const start = Number(m[1]);
  const end = Number(m[2]);
  return end < start ? null : { start, length: end - start + 1 };
}

/** A request's declared `Content-Length`, undefined when absent (chunked), null when not a byte count. */
export function declaredLength(header: string | undefined): number | undefined | null {
  if (header === undefined) return undefined;
  return /^\d{1,15}$/.test(header.trim()) ? Number(header.trim()) : null;
}

/** The spec's `Range` header on upload responses: bytes received so far, inclusive (`0-0` when none). */
export const uploadRangeHeader = (offset: number): string => `0-${Math.max(0, offset - 1)}`;
