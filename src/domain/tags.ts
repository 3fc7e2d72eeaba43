/**
 * Resource tags, as ECS restricts them (API reference, Tag): at most 50 per resource, keys of 1–128
 * and values of 0–256 characters of letters, numbers, spaces and `_ . : / = + - @`, unique keys, and
 * no `aws:` prefix in any letter case on keys or values (reserved for tags AWS itself adds, which do
 * not count against the 50). Used by RegisterTaskDefinition and TagResource alike.
 *
 * ECS's exact wording for these refusals is not known; InvalidParameterException is what ECS's tagging
 * calls document for bad parameters.
 */
import type { Tag } from "@aws-sdk/client-ecs";
import { invalidParameter } from "../errors/catalog.js";
import { excerpt } from "../observability/excerpt.js";

export const tagLimits = { maxTags: 50, maxKeyLength: 128, maxValueLength: 256 } as const;

const allowedCharacters = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const isReserved = (text: string): boolean => text.toLowerCase().startsWith("aws:");
/** Length in Unicode characters, as AWS counts it, not UTF-16 code units. */
const length = (text: string): number => [...text].length;

/** Why `tags` would be refused, or undefined when they are fine. */
export function tagsProblem(tags: readonly Tag[]): string | undefined {
  const { maxTags, maxKeyLength, maxValueLength } = tagLimits;
  if (tags.length > maxTags) return `Too many tags: ${tags.length}. A resource can have at most ${maxTags} tags.`;
  const keys = new Set<string>();
  for (const { key, value = "" } of tags) {
    if (key === undefined || length(key) < 1 || length(key) > maxKeyLength) {
      return `Invalid tag key '${excerpt(key, 128)}'. A key must be 1 to ${maxKeyLength} characters long.`;
    }
    if (length(value) > maxValueLength) return `Invalid value for tag '${excerpt(key, 128)}'. A value can be at most ${maxValueLength} characters long.`;
    if (!allowedCharacters.test(key) || !allowedCharacters.test(value)) {
      return `Invalid tag '${excerpt(key, 128)}'. Keys and values can contain letters, numbers, spaces and the characters _ . : / = + - @ only.`;
    }
    if (isReserved(key) || isReserved(value)) {
      return `Invalid tag '${excerpt(key, 128)}'. The 'aws:' prefix, in any letter case, is reserved for AWS use in tag keys and values.`;
    }
    if (keys.has(key)) return `Duplicate tag key '${key}'. Each tag key can appear once.`;
    keys.add(key);
  }
  return undefined;
}

/** Throws InvalidParameterException when `tags` would be refused; returns them with values filled in. */
export function validateTags(tags: readonly Tag[] | undefined): Tag[] {
  const problem = tagsProblem(tags ?? []);
  if (problem !== undefined) throw invalidParameter(problem);
  return (tags ?? []).map((t) => ({ key: t.key, value: t.value ?? "" }));
}

/**
 * TagResource: the resource's tags after adding `incoming` (a key already present takes the new
 * value). Throws InvalidParameterException when `incoming` is invalid or the result passes 50 tags;
 * tags AWS added itself (`aws:` keys already on the resource) do not count.
 */
export function mergeTags(existing: readonly Tag[], incoming: readonly Tag[]): Tag[] {
  validateTags(incoming);
  const merged = new Map(existing.map((t) => [t.key, t]));
  for (const t of incoming) merged.set(t.key, t);
  const result = [...merged.values()];
  const counted = result.filter((t) => !isReserved(t.key ?? "")).length;
  if (counted > tagLimits.maxTags) {
    throw invalidParameter(`Too many tags: the resource would have ${counted}. A resource can have at most ${tagLimits.maxTags} tags.`);
  }
  return result;
}
