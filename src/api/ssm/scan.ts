import type { ParameterRecord } from "../../state/parameter-records.js";
import type { ReadTx, Store } from "../../state/store.js";

/** Parameters read per statement while a page fills, and the most one call reads before it answers with what it has (and a token). */
const rowsPerRead = 100;
const mostRowsPerCall = 2_000;

/** Where a listing looks: names under a prefix, or one level of a path. */
export interface Scope {
  readonly prefix?: string | undefined;
  readonly parent?: string | undefined;
}

/**
 * A page of a filtered listing, in name order: reads the scope's parameters after `after` and keeps
 * what `pick` turns into an item, until `limit` items or the end. A filter that matches little does
 * not make one call read the whole region: past {@link mostRowsPerCall} the page is answered short,
 * with a token, as Parameter Store itself answers pages with fewer results than asked for.
 */
export function scanPage<T>(
  store: Store,
  scope: Scope,
  after: string | undefined,
  limit: number,
  pick: (tx: ReadTx, p: ParameterRecord) => Promise<T | undefined> | T | undefined,
): Promise<{ items: T[]; nextAfter?: string }> {
  return store.read(async (tx) => {
    const items: T[] = [];
    let cursor = after;
    for (let read = 0; read < mostRowsPerCall; read += rowsPerRead) {
      const rows = await tx.parameters.list({ ...scope, after: cursor, limit: rowsPerRead });
      for (const row of rows) {
        cursor = row.name;
        const item = await pick(tx, row);
        if (item !== undefined) items.push(item);
        if (items.length === limit) return { items, nextAfter: cursor };
      }
      if (rows.length < rowsPerRead) return { items };
    }
    return { items, nextAfter: cursor };
  });
}
