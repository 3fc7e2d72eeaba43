import pg from "pg";

/**
 * What a PostgreSQL repository runs its statements through: the store's read pool, or the writer
 * connection inside the store's transaction (the same repository classes serve both, as in sqlite/).
 * Parameters are `$1`, `$2`, …; every statement is prepared once per connection, by its text.
 */
export interface Sql {
  rows<R>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** The first row, if any. */
  row<R>(text: string, params?: readonly unknown[]): Promise<R | undefined>;
  /** How many rows the statement changed. */
  run(text: string, params?: readonly unknown[]): Promise<number>;
}

/**
 * Numbers as JavaScript numbers: BIGINT columns hold epoch milliseconds, revisions and counts, all
 * well below 2^53, and `pg` would hand them over as strings. JSON columns arrive parsed (pg's default).
 */
const int8 = 20;
const parseInt8 = (value: string): number => Number(value);
export const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary"): unknown =>
    oid === int8 ? parseInt8 : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser,
};

/** Statement names by text: a name stands for one text on every connection. */
const names = new Map<string, string>();
const nameOf = (text: string): string => {
  let name = names.get(text);
  if (name === undefined) names.set(text, (name = `berth_${names.size}`));
  return name;
};

/** Statements over a pool, or over the connection a function names at the time of each statement. */
export function sqlOver(q: pg.Pool | (() => pg.ClientBase)): Sql {
  const query = (text: string, params: readonly unknown[] = []) => (typeof q === "function" ? q() : q).query({ name: nameOf(text), text, values: [...params] });
  return {
    rows: async <R>(text: string, params?: readonly unknown[]) => (await query(text, params)).rows as R[],
    row: async <R>(text: string, params?: readonly unknown[]) => (await query(text, params)).rows[0] as R | undefined,
    run: async (text, params) => (await query(text, params)).rowCount ?? 0,
  };
}
