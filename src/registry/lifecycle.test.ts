import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { evaluateLifecyclePolicy, type LifecycleImage } from "./lifecycle-evaluation.js";
import { invalidLifecyclePolicy, parseLifecyclePolicy, type LifecyclePolicy } from "./lifecycle-policy.js";

const now = Date.parse("2026-06-01T12:00:00Z");
const day = 86_400_000;

/** An image named `name` (its digest stands in as the name), pushed `daysAgo` days before `now`. */
const anImage = (name: string, tags: string[], daysAgo: number, overrides: Partial<LifecycleImage> = {}): LifecycleImage => ({
  digest: name,
  tags,
  pushedAtMs: now - daysAgo * day,
  ...overrides,
});

type RuleSpec = Record<string, unknown>;
/** A rule with `imageCountMoreThan 1` and `expire` unless overridden. */
const aRule = (rulePriority: number, selection: RuleSpec): RuleSpec => ({
  rulePriority,
  selection: { countType: "imageCountMoreThan", countNumber: 1, ...selection },
  action: { type: "expire" },
});

function policy(...rules: RuleSpec[]): LifecyclePolicy {
  const parsed = parseLifecyclePolicy(JSON.stringify({ rules }));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.policy;
}

const expiredNames = (p: LifecyclePolicy, images: LifecycleImage[]): string[] =>
  evaluateLifecyclePolicy(p, images, now)
    .map((e) => e.digest)
    .sort();

describe("lifecycle policy evaluation", () => {
  const docsRepo = [anImage("A", ["beta-1", "prod-1"], 10), anImage("B", ["beta-2", "prod-2"], 9), anImage("C", ["beta-3"], 8)];

  const cases: { name: string; policy: LifecyclePolicy; images: LifecycleImage[]; expired: string[] }[] = [
    {
      name: "expire untagged images beyond 1",
      policy: policy(aRule(1, { tagStatus: "untagged" })),
      images: [anImage("u1", [], 3), anImage("u2", [], 2), anImage("u3", [], 1), anImage("t1", ["v1"], 5)],
      expired: ["u1", "u2"],
    },
    {
      name: "count rule keeps everything when at or under the count",
      policy: policy(aRule(1, { tagStatus: "untagged", countNumber: 3 })),
      images: [anImage("u1", [], 3), anImage("u2", [], 2)],
      expired: [],
    },
    {
      name: "age rule expires strictly older images only",
      policy: policy(aRule(1, { tagStatus: "tagged", tagPatternList: ["prod*"], countType: "sinceImagePushed", countUnit: "days", countNumber: 14 })),
      images: [anImage("old", ["prod-1"], 15), anImage("edge", ["prod-2"], 14), anImage("new", ["prod-3"], 1), anImage("dev", ["dev-1"], 30)],
      expired: ["old"],
    },
    {
      name: "docs: multiple rules, example A (prod first): a higher rule's images are out of reach of lower rules",
      policy: policy(aRule(1, { tagStatus: "tagged", tagPatternList: ["prod*"] }), aRule(2, { tagStatus: "tagged", tagPatternList: ["beta*"] })),
      images: docsRepo,
      expired: ["A"],
    },
    {
      name: "docs: multiple rules, example B (beta first)",
      policy: policy(aRule(1, { tagStatus: "tagged", tagPatternList: ["beta*"] }), aRule(2, { tagStatus: "tagged", tagPatternList: ["prod*"] })),
      images: docsRepo,
      expired: ["A", "B"],
    },
    {
      name: "docs: same with prefixes instead of patterns",
      policy: policy(aRule(1, { tagStatus: "tagged", tagPrefixList: ["prod"] }), aRule(2, { tagStatus: "tagged", tagPrefixList: ["beta"] })),
      images: docsRepo,
      expired: ["A"],
    },
    {
      name: "docs: several patterns in one rule must all match",
      policy: policy(aRule(1, { tagStatus: "tagged", tagPatternList: ["alpha*", "beta*"], countType: "sinceImagePushed", countUnit: "days", countNumber: 5 })),
      images: [
        anImage("A", ["alpha-1"], 12),
        anImage("B", ["beta-1"], 11),
        anImage("C", ["alpha-2", "beta-2"], 10),
        anImage("D", ["alpha-3"], 4),
        anImage("E", ["beta-3"], 3),
        anImage("F", ["alpha-4", "beta-4"], 2),
      ],
      expired: ["C"],
    },
    {
      name: "docs: tags are not exclusive",
      policy: policy(aRule(1, { tagStatus: "tagged", tagPatternList: ["alpha*", "beta*"] })),
      images: [anImage("A", ["alpha-1", "beta-1", "gamma-1"], 10), anImage("B", ["alpha-2", "beta-2"], 9), anImage("C", ["alpha-3", "beta-3", "gamma-2"], 8)],
      expired: ["A", "B"],
    },
    {
      name: "docs: one any rule keeps only the newest image",
      policy: policy(aRule(1, { tagStatus: "any" })),
      images: [anImage("A", ["alpha-1"], 4), anImage("B", ["beta-1"], 3), anImage("C", [], 2), anImage("D", ["alpha-2"], 1)],
      expired: ["A", "B", "C"],
    },
    {
      name: "docs: all rule types together; the any rule counts images it may not expire",
      policy: policy(
        aRule(1, { tagStatus: "tagged", tagPatternList: ["alpha*"] }),
        aRule(2, { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 }),
        aRule(3, { tagStatus: "any" }),
      ),
      images: [
        anImage("A", ["alpha-1", "beta-1"], 4),
        anImage("B", [], 3),
        anImage("C", ["alpha-2"], 2),
        anImage("D", ["git hash"], 1),
        anImage("E", [], 0.99),
      ],
      expired: ["A", "B", "D"],
    },
    {
      name: "wildcards match the whole tag, in the middle too",
      policy: policy(aRule(1, { tagStatus: "tagged", tagPatternList: ["v*-rc*"], countNumber: 1 })),
      images: [anImage("a", ["v1-rc1"], 3), anImage("b", ["v1-rc2"], 2), anImage("c", ["xv1-rc3"], 1), anImage("d", ["v2-rc1"], 0.5)],
      expired: ["a", "b"],
    },
    {
      name: "an image an index refers to is never expired",
      policy: policy(aRule(1, { tagStatus: "untagged" })),
      images: [anImage("child", [], 5, { referencedByIndex: true }), anImage("u1", [], 3), anImage("u2", [], 1)],
      expired: ["u1"],
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(expiredNames(c.policy, c.images), c.expired);
    });
  }

  it("says which rule expired each image and why", () => {
    const [e] = evaluateLifecyclePolicy(policy(aRule(7, { tagStatus: "untagged" })), [anImage("u1", [], 3), anImage("u2", [], 2)], now);
    assert.equal(e?.digest, "u1");
    assert.equal(e?.appliedRulePriority, 7);
    assert.match(e?.reason ?? "", /more than 1 images/);
  });

  const arbImages = fc
    .uniqueArray(
      fc.record({
        digest: fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16).padStart(4, "0")),
        tags: fc.uniqueArray(fc.constantFrom("prod-1", "prod-2", "beta-1", "dev", "latest"), { maxLength: 3 }),
        pushedAtMs: fc.integer({ min: now - 60 * day, max: now }),
      }),
      { selector: (i) => i.digest, maxLength: 25 },
    );
  const arbPolicy = fc
    .tuple(
      fc.constantFrom<RuleSpec>({ tagStatus: "tagged", tagPrefixList: ["prod"] }, { tagStatus: "tagged", tagPatternList: ["*-1"] }, { tagStatus: "untagged" }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 5 }),
      fc.boolean(),
    )
    .map(([first, n, m, byAge]) =>
      policy(
        aRule(1, { ...first, countNumber: n }),
        aRule(2, byAge ? { tagStatus: "any", countType: "sinceImagePushed", countUnit: "days", countNumber: m * 5 } : { tagStatus: "any", countNumber: m }),
      ),
    );

  it("expires each image at most once, only images it was given, and is deterministic", () => {
    fc.assert(
      fc.property(arbImages, arbPolicy, (images, p) => {
        const once = evaluateLifecyclePolicy(p, images, now);
        const digests = once.map((e) => e.digest);
        assert.equal(new Set(digests).size, digests.length);
        assert.ok(digests.every((d) => images.some((i) => i.digest === d)));
        assert.deepEqual(evaluateLifecyclePolicy(p, [...images].reverse(), now), once);
      }),
    );
  });

  it("an any rule with imageCountMoreThan n alone leaves exactly min(n, count) images", () => {
    fc.assert(
      fc.property(arbImages, fc.integer({ min: 1, max: 10 }), (images, n) => {
        const expired = evaluateLifecyclePolicy(policy(aRule(1, { tagStatus: "any", countNumber: n })), images, now);
        assert.equal(images.length - expired.length, Math.min(n, images.length));
      }),
    );
  });
});

describe("lifecycle policy validation", () => {
  const refused: [string, unknown, RegExp][] = [
    ["not JSON", "{", /Could not map policyString/],
    ["no rules", { rules: [] }, /Could not map policyString/],
    ["duplicate priorities", { rules: [aRule(1, { tagStatus: "untagged" }), aRule(1, { tagStatus: "any" })] }, /not unique/],
    ["priority below 1", { rules: [aRule(0, { tagStatus: "untagged" })] }, /at least 1/],
    ["any not last", { rules: [aRule(1, { tagStatus: "any" }), aRule(2, { tagStatus: "untagged" })] }, /tagStatus=ANY must have the lowest priority/],
    ["two untagged rules", { rules: [aRule(1, { tagStatus: "untagged" }), aRule(2, { tagStatus: "untagged", countNumber: 2 })] }, /Only one rule can select Untagged/],
    ["tagged without a list", { rules: [aRule(1, { tagStatus: "tagged" })] }, /Must specify tagPrefixList or tagPatternList/],
    ["tagged with both lists", { rules: [aRule(1, { tagStatus: "tagged", tagPrefixList: ["a"], tagPatternList: ["a*"] })] }, /Must specify/],
    ["untagged with a list", { rules: [aRule(1, { tagStatus: "untagged", tagPrefixList: ["a"] })] }, /only be used when tagStatus=TAGGED/],
    ["five wildcards", { rules: [aRule(1, { tagStatus: "tagged", tagPatternList: ["a*b*c*d*e*"] })] }, /more than 4 wildcards/],
    ["unknown tagStatus", { rules: [aRule(1, { tagStatus: "TAGGED" })] }, /tagStatus/],
    ["countNumber 0", { rules: [aRule(1, { tagStatus: "untagged", countNumber: 0 })] }, /countNumber/],
    ["age without unit", { rules: [aRule(1, { tagStatus: "untagged", countType: "sinceImagePushed" })] }, /countUnit .* must be days/],
    ["count with unit", { rules: [aRule(1, { tagStatus: "untagged", countUnit: "days" })] }, /countUnit cannot be used/],
    ["pull-based count", { rules: [aRule(1, { tagStatus: "any", countType: "sinceImagePulled", countUnit: "days" })] }, /not supported/],
    ["transition action", { rules: [{ ...aRule(1, { tagStatus: "any" }), action: { type: "transition" } }] }, /action/],
  ];
  for (const [name, doc, message] of refused) {
    it(`refuses ${name}`, () => {
      const r = parseLifecyclePolicy(typeof doc === "string" ? doc : JSON.stringify(doc));
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.message, message);
    });
  }

  it("accepts the documented template shapes and orders rules by priority", () => {
    const r = parseLifecyclePolicy(
      JSON.stringify({ rules: [aRule(5, { tagStatus: "any" }), aRule(2, { tagStatus: "tagged", tagPrefixList: ["v"], countNumber: 3 })] }),
    );
    assert.ok(r.ok);
    assert.deepEqual(r.policy.rules.map((x) => x.rulePriority), [2, 5]);
  });

  it("wraps messages the way ECR does", () => {
    const e = invalidLifecyclePolicy("boom");
    assert.equal(e.code, "InvalidParameterException");
    assert.equal(e.message, "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: boom'");
  });
});
