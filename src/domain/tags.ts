import type { Tag } from "@aws-sdk/client-ecs";
import { invalidParameter } from "../errors/catalog.js";

/** ECS's tag rules: at most 50 per resource, keys 1–128 and values up to 256 characters, no `aws:` keys. */
export function validateTags(tags: readonly Tag[]): Tag[] {
  if (tags.length > 50) throw invalidParameter(`A resource can have at most 50 tags; the request has ${tags.length}.`);
  return tags.map(({ key, value }) => {
    if (key === undefined || key.length < 1 || key.length > 128) {
      throw invalidParameter(`Tag keys must be 1 to 128 characters long; got '${key ?? ""}'.`);
    }
    if (key.toLowerCase().startsWith("aws:")) throw invalidParameter(`Tag key '${key}' uses the reserved prefix 'aws:'.`);
    if ((value ?? "").length > 256) throw invalidParameter(`The value of tag '${key}' is longer than 256 characters.`);
    return { key, value: value ?? "" };
  });
}
