import type { Tag } from "@aws-sdk/client-ssm";
import { AwsError, type ErrorName } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";

/** Tags a resource may have at most, as Systems Manager limits them. */
export const maxTags = 50;

const tagText = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const validation = (message: string): AwsError => new AwsError("ValidationException", message);

/** A tag key as the SSM model constrains it (TagKey): 1 to 128 letters, digits, spaces and `_.:/=+-@`; not `aws:`, which AWS reserves. */
export function checkTagKey(key: string, member = "tagKeys"): string {
  if (key.length < 1 || key.length > 128 || !tagText.test(key)) {
    throw validation(`1 validation error detected: Value '${excerpt(key, 128)}' at '${member}' failed to satisfy constraint: Member must have length between 1 and 128 and satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$`);
  }
  if (key.toLowerCase().startsWith("aws:")) throw validation(`Tag keys beginning with aws: are reserved for AWS use: ${excerpt(key, 128)}.`);
  return key;
}

/**
 * The tags a parameter ends up with, checked: each key and value in the model's constraints, at most
 * {@link maxTags} in all (`tooMany`: TooManyTagsError for AddTagsToResource, ValidationException for PutParameter).
 */
export function checkTags(tags: Readonly<Record<string, string>>, tooMany: ErrorName): Record<string, string> {
  const entries = Object.entries(tags);
  for (const [k, v] of entries) {
    checkTagKey(k, "tags.member.key");
    if (v.length > 256 || !tagText.test(v)) {
      throw validation(`1 validation error detected: Value at 'tags.member.value' failed to satisfy constraint: Member must have length less than or equal to 256 and satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$`);
    }
  }
  if (entries.length > maxTags) throw new AwsError(tooMany, `A parameter can have at most ${maxTags} tags; this one would have ${entries.length}.`);
  return Object.fromEntries(entries);
}

/** A request's tag list as a map (a key given twice keeps its last value). */
export const tagMap = (tags: readonly Tag[]): Record<string, string> => Object.fromEntries(tags.map((t) => [t.Key ?? "", t.Value ?? ""]));

/** A parameter's tags as the API lists them, ordered by key. */
export const tagList = (tags: Readonly<Record<string, string>>): Tag[] =>
  Object.keys(tags)
    .sort()
    .map((Key) => ({ Key, Value: tags[Key]! }));
