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

/** The start offset of a chunk's `Content-Range: <start>-<end>`, undefined when absent, null when malformed. */
export function chunkStart(header: string | undefined): number | undefined | null {
  if (header === undefined) return undefined;
  const m = /^(?:bytes[= ])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (!m) return null;
  const start = Number(m[1]);
  return Number(m[2]) < start ? null : start;
}

/** The spec's `Range` header on upload responses: bytes received so far, inclusive (`0-0` when none). */
export const uploadRangeHeader = (offset: number): string => `0-${Math.max(0, offset - 1)}`;
