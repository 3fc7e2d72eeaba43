import type { Page, PageRequest } from "../store.js";

/** A row whose `doc` is a `json` column: pg hands it over parsed, in the shape `put` wrote. */
export interface DocRow<T> {
  doc: T;
}

export interface VersionRow {
  version: number;
}

export function page<T>(rows: readonly T[], req: PageRequest, key: (t: T) => string): Page<T> {
  if (rows.length <= req.limit) return { items: rows };
  const items = rows.slice(0, req.limit);
  return { items, nextAfter: key(items[items.length - 1]!) };
}

/** `family` starts with the prefix `$n`, matched literally (no LIKE pattern to escape). */
export const familyHasPrefix = (n: number): string => `left(family, length($${n})) = $${n}`;
