import type { SecretRecord } from "./secret.js";

/** ListSecrets' (and BatchGetSecretValue's) filter keys. */
export const filterKeys = ["description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all"] as const;
export type FilterKey = (typeof filterKeys)[number];

export interface SecretFilter {
  readonly key: FilterKey;
  readonly values: readonly string[];
}

/**
 * Whether a secret passes every filter (Secrets Manager ANDs them). A filter passes when one of its
 * values matches (they are ORed), or it has only negated values, and none of its negated values
 * `!x` matches (they exclude: `!a,!b` is neither a nor b). How a value matches, by key:
 * - `name`, `tag-key`, `tag-value`, `primary-region`: a prefix, case-sensitive (of the name, of any tag key…);
 * - `description`, `all`: by words, case-insensitive: each word of `x` starts a word of the
 *   description (for `all`: of the name, description, tag keys or tag values), words being split at
 *   spaces and at `/_+=.@-` (Secrets Manager's own test: `a secret` finds "an secret", not "asecret");
 * - `owning-service`: matches nothing (Berth's secrets are nobody's but their creator's).
 */
export function matchesFilters(secret: SecretRecord, filters: readonly SecretFilter[], region: string): boolean {
  return filters.every((f) => {
    const wanted = f.values.filter((v) => !v.startsWith("!"));
    const excluded = f.values.filter((v) => v.startsWith("!")).map((v) => v.slice(1));
    return (wanted.length === 0 || wanted.some((v) => matches(secret, f.key, v, region))) && !excluded.some((v) => matches(secret, f.key, v, region));
  });
}

function matches(s: SecretRecord, key: FilterKey, value: string, region: string): boolean {
  const tags = s.tags ?? [];
  switch (key) {
    case "name":
      return s.name.startsWith(value);
    case "tag-key":
      return tags.some((t) => t.Key.startsWith(value));
    case "tag-value":
      return tags.some((t) => t.Value.startsWith(value));
    case "primary-region":
      return region.startsWith(value);
    case "owning-service":
      return false;
    case "description":
      return wordsMatch(value, [s.description ?? ""]);
    case "all":
      return wordsMatch(value, [s.name, s.description ?? "", ...tags.flatMap((t) => [t.Key, t.Value])]);
  }
}

const words = (text: string): string[] => text.toLowerCase().split(/[\s/_+=.@-]+/).filter((w) => w.length > 0);

function wordsMatch(value: string, texts: readonly string[]): boolean {
  const wanted = words(value);
  const have = texts.flatMap(words);
  return wanted.length > 0 && wanted.every((w) => have.some((h) => h.startsWith(w)));
}
