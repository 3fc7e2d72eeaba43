import type { Sql } from "./sql.js";

/**
 * A conditional save's UPDATE of a record's next version: `text` sets the version to `$1` where the
 * stored one is `$1 - 1`, and takes `params` as `$2`, `$3`, …; resolves with the rows changed. A
 * version that is not an integer changes nothing, as on SQLite (it matches no row there), rather than
 * failing the statement on the bigint column.
 */
export function updateToVersion(db: Sql, text: string, version: number, params: readonly unknown[]): Promise<number> {
  return Number.isInteger(version) ? db.run(text, [version, ...params]) : Promise.resolve(0);
}
