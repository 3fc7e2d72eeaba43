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

/**
 * A SELECT's parameters as PostgreSQL can take them, or undefined when the SELECT can find nothing.
 * PostgreSQL's text holds no U+0000 (it refuses such a parameter outright), so no stored name
 * equals, starts with or contains a string that has one: a lookup by such a string answers "not
 * found" instead of failing, and such a string in a list of names (`= ANY($1)`) is dropped from it
 * (a paging cursor holding one, which no listing hands out, ends the listing). The APIs refuse to
 * store a name holding one, on both stores. (Documents are JSON, where a NUL is the escape
 * `\u0000`, never the character itself.)
 */
function selectable(text: string, params: readonly unknown[]): unknown[] | undefined {
  if (!params.some((p) => holdsNul(p) || (Array.isArray(p) && p.some(holdsNul))) || !/^\s*SELECT\b/i.test(text)) return [...params];
  if (params.some(holdsNul)) return undefined;
  return params.map((p) => (Array.isArray(p) ? p.filter((x) => !holdsNul(x)) : p));
}

const holdsNul = (p: unknown): boolean => typeof p === "string" && p.includes("\u0000");

/** Statements over a pool, or over the connection a function names at the time of each statement. */
export function sqlOver(q: pg.Pool | (() => pg.ClientBase)): Sql {
  const query = (text: string, values: unknown[]) => (typeof q === "function" ? q() : q).query({ name: nameOf(text), text, values });
  const select = async <R>(text: string, params: readonly unknown[] = []): Promise<R[]> => {
    const values = selectable(text, params);
    return values === undefined ? [] : ((await query(text, values)).rows as R[]);
  };
  return {
    rows: select,
    row: async <R>(text: string, params?: readonly unknown[]) => (await select<R>(text, params))[0],
    run: async (text, params = []) => (await query(text, [...params])).rowCount ?? 0,
  };
}
