import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { matchesFilters, type SecretFilter } from "./filters.js";
import { secretsPage } from "./listing.js";
import type { SecretRecord } from "./secret.js";

const aSecret = (name: string, overrides: Partial<SecretRecord> = {}): SecretRecord => ({ name, arn: `arn:${name}`, version: 1, createdMs: 0, lastChangedMs: 0, versions: [], ...overrides });

// The secrets and filters of Secrets Manager's own behaviour as recorded against AWS (localstack's test_list_secrets_filtering).
const secrets = [
  aSecret("testing1/one-1", { description: "a secret", tags: [{ Key: "team", Value: "blue" }] }),
  aSecret("/testing2/two-1", { description: "an secret" }),
  aSecret("testing3/three-1", { description: "asecret", tags: [{ Key: "env", Value: "prod" }] }),
  aSecret("/testing4/four-1", { description: "thesecret" }),
];
const found = (...filters: SecretFilter[]) => secrets.filter((s) => matchesFilters(s, filters, "eu-west-3")).map((s) => s.name);

describe("ListSecrets' filters", () => {
  it("name: a case-sensitive prefix, `!` for its negation; words are not split", () => {
    assert.deepEqual(found({ key: "name", values: ["/"] }), ["/testing2/two-1", "/testing4/four-1"]);
    assert.deepEqual(found({ key: "name", values: ["!/"] }), ["testing1/one-1", "testing3/three-1"]);
    assert.deepEqual(found({ key: "name", values: ["testing1 one"] }), []);
    assert.deepEqual(found({ key: "name", values: ["Testing1"] }), []);
  });

  it("description: every word of the value starts a word of the description, in any case", () => {
    assert.deepEqual(found({ key: "description", values: ["a"] }), ["testing1/one-1", "/testing2/two-1", "testing3/three-1"]);
    assert.deepEqual(found({ key: "description", values: ["!a"] }), ["/testing4/four-1"]);
    assert.deepEqual(found({ key: "description", values: ["A SECRET"] }), ["testing1/one-1", "/testing2/two-1"]);
    assert.deepEqual(found({ key: "description", values: ["!c"] }), secrets.map((s) => s.name));
  });

  it("negated values exclude: `!a,!b` is neither; with positive values, the positives less the negations", () => {
    assert.deepEqual(found({ key: "name", values: ["!/", "!testing1"] }), ["testing3/three-1"]);
    assert.deepEqual(found({ key: "name", values: ["testing", "!testing3"] }), ["testing1/one-1"]);
  });

  it("filters AND, a filter's values OR", () => {
    assert.deepEqual(found({ key: "description", values: ["a"] }, { key: "name", values: ["secret"] }), []);
    assert.deepEqual(found({ key: "name", values: ["testing1", "testing3"] }, { key: "description", values: ["a"] }), ["testing1/one-1", "testing3/three-1"]);
  });

  it("tag-key and tag-value: prefixes of any tag; all: words of the name, description and tags; primary-region; owning-service never", () => {
    assert.deepEqual(found({ key: "tag-key", values: ["te"] }), ["testing1/one-1"]);
    assert.deepEqual(found({ key: "tag-value", values: ["pro"] }), ["testing3/three-1"]);
    assert.deepEqual(found({ key: "tag-key", values: ["!team"] }), ["/testing2/two-1", "testing3/three-1", "/testing4/four-1"]);
    assert.deepEqual(found({ key: "all", values: ["BLUE"] }), ["testing1/one-1"]);
    assert.deepEqual(found({ key: "all", values: ["four"] }), ["/testing4/four-1"]);
    assert.deepEqual(found({ key: "primary-region", values: ["eu-"] }).length, 4);
    assert.deepEqual(found({ key: "owning-service", values: ["rds"] }), []);
  });
});

describe("ListSecrets' order and pages", () => {
  const many = Array.from({ length: 7 }, (_, i) => aSecret(`s${i}`, { createdMs: 100 - (i % 3), lastChangedMs: i }));

  it("orders by creation (names break ties), ascending unless asked, and pages by key without repeats or gaps", () => {
    const seen: string[] = [];
    let after: Parameters<typeof secretsPage>[3];
    do {
      const page = secretsPage(many, { by: "created-date", order: "asc" }, 3, after);
      seen.push(...page.items.map((s) => s.name));
      after = page.next;
    } while (after !== undefined);
    assert.deepEqual(seen, ["s2", "s5", "s1", "s4", "s0", "s3", "s6"]);
    assert.deepEqual(secretsPage(many, { by: "name", order: "desc" }, 2).items.map((s) => s.name), ["s6", "s5"]);
    assert.deepEqual(secretsPage(many, { by: "last-changed-date", order: "desc" }, 2).items.map((s) => s.name), ["s6", "s5"]);
  });

  it("a secret created between two pages moves no other across them", () => {
    const first = secretsPage(many, { by: "name", order: "asc" }, 3);
    const grown = [...many, aSecret("s0a")];
    const second = secretsPage(grown, { by: "name", order: "asc" }, 3, first.next);
    assert.deepEqual([...first.items, ...second.items].map((s) => s.name), ["s0", "s1", "s2", "s3", "s4", "s5"]);
  });
});
