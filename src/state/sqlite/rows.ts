export interface DocRow {
  doc: string;
}

export interface VersionRow {
  version: number;
}

/** JSON documents read back from our own tables: the shape is ours, written by `put`. */
export function parseDoc<T>(row: DocRow): T {
  return JSON.parse(row.doc) as T;
}

/**
 * `family` starts with the (twice bound) prefix, matched literally. Not LIKE: SQLite refuses a LIKE
 * pattern over 50,000 bytes ("pattern too complex"), and a client's prefix may be any length.
 */
export const familyHasPrefix = "substr(family, 1, length(?)) = ?";

