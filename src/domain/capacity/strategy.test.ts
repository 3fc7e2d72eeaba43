import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../errors/catalog.js";
import { checkStrategy, providerName, splitByStrategy, type StrategyItem } from "./strategy.js";

const item = (provider: string, weight: number, base = 0): StrategyItem => ({ provider, weight, base });
const split = (strategy: StrategyItem[], count: number, running: Record<string, number> = {}) =>
  Object.fromEntries(splitByStrategy(strategy, count, new Map(Object.entries(running))));

describe("splitByStrategy (base first, then weight)", () => {
  const cases: { what: string; strategy: StrategyItem[]; count: number; running?: Record<string, number>; expected: Record<string, number> }[] = [
    { what: "one provider takes every task", strategy: [item("a", 1)], count: 5, expected: { a: 5 } },
    { what: "base goes first, the rest by weight (ECS's 1 base + 1:3 example)", strategy: [item("a", 1, 1), item("b", 3)], count: 5, expected: { a: 2, b: 3 } },
    { what: "base beyond the count: all to the base provider", strategy: [item("a", 1, 10), item("b", 1)], count: 3, expected: { a: 3 } },
    { what: "equal weights share evenly, the first listed taking the odd one", strategy: [item("a", 1), item("b", 1)], count: 3, expected: { a: 2, b: 1 } },
    { what: "weight 0 takes nothing beyond its base", strategy: [item("a", 0, 2), item("b", 1)], count: 6, expected: { a: 2, b: 4 } },
    { what: "running tasks count towards the shares", strategy: [item("a", 1), item("b", 1)], count: 2, running: { a: 3, b: 1 }, expected: { b: 2 } },
    { what: "a base already met is not met again", strategy: [item("a", 1, 2), item("b", 1)], count: 2, running: { a: 2 }, expected: { a: 1, b: 1 } },
    { what: "weights 1:4 over ten tasks", strategy: [item("a", 1), item("b", 4)], count: 10, expected: { a: 2, b: 8 } },
    { what: "a tie goes to the heavier weight: 1 base + 1:3 over four tasks is 1 and 3", strategy: [item("a", 1, 1), item("b", 3)], count: 4, expected: { a: 1, b: 3 } },
    { what: "no tasks asked: nothing", strategy: [item("a", 1)], count: 0, expected: {} },
  ];
  for (const c of cases) {
    it(c.what, () => assert.deepEqual(split(c.strategy, c.count, c.running), c.expected));
  }

  it("always hands out exactly the count asked, whatever the weights (property)", () => {
    for (let seed = 1; seed < 200; seed++) {
      const weights = [seed % 7, (seed * 3) % 5, (seed * 11) % 4];
      if (weights.every((w) => w === 0)) continue;
      const strategy = weights.map((w, i) => item(`p${i}`, w, i === 0 ? seed % 3 : 0));
      const count = seed % 23;
      const total = [...splitByStrategy(strategy, count).values()].reduce((a, b) => a + b, 0);
      assert.equal(total, count, JSON.stringify({ strategy, count }));
    }
  });
});

describe("checkStrategy", () => {
  const refuses = (items: Parameters<typeof checkStrategy>[0], message: RegExp) =>
    assert.throws(() => checkStrategy(items), (e: unknown) => e instanceof AwsError && e.code === "InvalidParameterException" && message.test(e.message));

  it("fills base and weight with 0 and names providers given by ARN by their name", () => {
    assert.deepEqual(checkStrategy([{ capacityProvider: "arn:aws:ecs:eu-west-1:123456789012:capacity-provider/cp", weight: 1 }, { capacityProvider: "b" }]), [
      item("cp", 1),
      item("b", 0),
    ]);
    assert.equal(providerName("plain"), "plain");
  });
  it("refuses a base on two providers", () => refuses([{ capacityProvider: "a", base: 1, weight: 1 }, { capacityProvider: "b", base: 1 }], /Only one capacity provider/));
  it("refuses a strategy without a weight above 0", () => refuses([{ capacityProvider: "a", base: 1 }], /weight greater than zero/));
  it("refuses a provider named twice", () => refuses([{ capacityProvider: "a", weight: 1 }, { capacityProvider: "a", weight: 2 }], /more than once/));
  it("refuses Fargate's providers mixed with others", () => refuses([{ capacityProvider: "FARGATE", weight: 1 }, { capacityProvider: "mine", weight: 1 }], /mix of capacity providers/));
  it("refuses a weight out of the model's range", () => refuses([{ capacityProvider: "a", weight: 1001 }], /Invalid weight 1001/));
  it("accepts an empty strategy", () => assert.deepEqual(checkStrategy([]), []));
});
