import type { Page, PageRequest } from "./store.js";

/** A page of `rows` read with one row past `req.limit`: that extra row says whether there is a next page. */
export function page<T>(rows: readonly T[], req: Pick<PageRequest, "limit">, key: (t: T) => string): Page<T> {
  if (rows.length <= req.limit) return { items: rows };
  const items = rows.slice(0, req.limit);
  const last = items[items.length - 1];
  return { items, nextAfter: last === undefined ? undefined : key(last) };
}
