import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Tag } from "@aws-sdk/client-ecs";
import { refusal } from "./task-definition/builders.js";
import { mergeTags, tagsProblem, validateTags } from "./tags.js";

const tag = (key: string, value = "v"): Tag => ({ key, value });

void describe("validateTags", () => {
  const refused: ReadonlyArray<readonly [string, Tag[], string]> = [
    ["an empty key", [tag("")], "A key must be 1 to 128 characters long."],
    ["a key of 129 characters", [tag("k".repeat(129))], "A key must be 1 to 128 characters long."],
    ["a value of 257 characters", [tag("k", "v".repeat(257))], "A value can be at most 256 characters long."],
    ["an aws: key", [tag("aws:cost")], "'aws:' prefix"],
    ["an Aws: key", [tag("Aws:cost")], "'aws:' prefix"],
    ["an aws: value", [tag("team", "aws:x")], "'aws:' prefix"],
    ["a key with a comma", [tag("a,b")], "Keys and values can contain letters, numbers, spaces and the characters"],
    ["a repeated key", [tag("team"), tag("team")], "Duplicate tag key 'team'"],
    ["51 tags", Array.from({ length: 51 }, (_, i) => tag(`k${i}`)), "Too many tags: 51"],
  ];
  for (const [name, tags, fragment] of refused) {
    void it(`refuses ${name} with InvalidParameterException`, () => {
      const e = refusal(() => validateTags(tags));
      assert.equal(e.code, "InvalidParameterException");
      assert.ok(e.message.includes(fragment), e.message);
    });
  }

  void it("accepts 50 tags, 128-character keys in any script, 256-character values and a missing value", () => {
    const tags = [tag("ключ".repeat(32), "v".repeat(256)), { key: "no-value" }, ...Array.from({ length: 48 }, (_, i) => tag(`k ${i} _.:/=+-@`))];
    assert.equal(tagsProblem(tags), undefined);
    validateTags(undefined);
  });

  void it("accepts any set of distinct keys made of allowed characters", () => {
    const key = fc.stringMatching(/^[a-zA-Z0-9 _.:/=+@-]{1,128}$/).filter((k) => !k.toLowerCase().startsWith("aws:"));
    fc.assert(fc.property(fc.uniqueArray(key, { maxLength: 50 }), (keys) => tagsProblem(keys.map((k) => tag(k))) === undefined));
  });
});

void describe("mergeTags", () => {
  void it("adds new keys and overwrites existing ones", () => {
    assert.deepEqual(mergeTags([tag("a", "1"), tag("b", "1")], [tag("b", "2"), tag("c", "3")]), [tag("a", "1"), tag("b", "2"), tag("c", "3")]);
  });

  void it("refuses to pass 50 tags, not counting those AWS added", () => {
    const existing = [...Array.from({ length: 49 }, (_, i) => tag(`k${i}`)), tag("aws:ecs:clusterName", "default")];
    assert.equal(mergeTags(existing, [tag("one-more")]).length, 51);
    assert.match(refusal(() => mergeTags(existing, [tag("x"), tag("y")])).message, /the resource would have 51/);
  });
});
