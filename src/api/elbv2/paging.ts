import { validation } from "./params.js";

/** ELB's Marker paging over a listing Berth holds in full: the marker is the next item's offset. */
export function paginate<T>(all: readonly T[], marker: string | undefined, pageSize: number): { items: T[]; next?: string | undefined } {
  const start = marker === undefined ? 0 : Number.parseInt(marker, 10);
  if (!Number.isSafeInteger(start) || start < 0 || String(start) !== marker && marker !== undefined) throw validation("The marker is not valid: pass the NextMarker of the previous page.");
  const items = all.slice(start, start + pageSize);
  return { items, next: start + pageSize < all.length ? String(start + pageSize) : undefined };
}
