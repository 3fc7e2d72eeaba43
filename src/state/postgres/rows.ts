/** A row whose `doc` is a `json` column: pg hands it over parsed, in the shape `put` wrote. */
export interface DocRow<T> {
  doc: T;
}

export interface VersionRow {
  version: number;
}

/** `column` starts with the text `$n`, matched literally (no LIKE pattern to escape). */
export const hasPrefix = (column: string, n: number): string => `left(${column}, length($${n})) = $${n}`;
