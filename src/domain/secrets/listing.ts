import type { SecretRecord } from "./secret.js";

/** ListSecrets' SortBy and SortOrder. */
export type SortBy = "created-date" | "last-accessed-date" | "last-changed-date" | "name";
export type SortOrder = "asc" | "desc";

/** Where a page ends: the last secret's sort value and name (names are unique: no two keys are equal). */
export type PageKey = readonly [number | string, string];

const keyOf = (s: SecretRecord, by: SortBy): PageKey => {
  switch (by) {
    case "name":
      return [s.name, s.name];
    case "created-date":
      return [s.createdMs, s.name];
    case "last-changed-date":
      return [s.lastChangedMs, s.name];
    case "last-accessed-date":
      // Never read: before any day.
      return [s.lastAccessedMs ?? 0, s.name];
  }
};

const compareKeys = (a: PageKey, b: PageKey): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

/**
 * One page of `secrets` in ListSecrets' order (CreatedDate ascending unless asked otherwise, names
 * breaking ties), after `after` (the previous page's last key), and the key to continue from when
 * more follow. Keyed, not counted: a secret created or deleted between two pages moves no other
 * secret from one page to the next.
 */
export function secretsPage(
  secrets: readonly SecretRecord[],
  order: { readonly by: SortBy; readonly order: SortOrder },
  limit: number,
  after?: PageKey,
): { readonly items: readonly SecretRecord[]; readonly next?: PageKey | undefined } {
  const sign = order.order === "desc" ? -1 : 1;
  const keyed = secrets.map((s) => ({ s, key: keyOf(s, order.by) })).sort((a, b) => sign * compareKeys(a.key, b.key));
  const rest = after === undefined ? keyed : keyed.filter((k) => sign * compareKeys(k.key, after) > 0);
  const page = rest.slice(0, limit);
  return { items: page.map((k) => k.s), next: rest.length > limit ? page.at(-1)?.key : undefined };
}
