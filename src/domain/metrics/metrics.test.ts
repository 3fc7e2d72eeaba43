import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MinuteAccumulator } from "./accumulator.js";
import { evaluate, ExpressionError, idsOf, parseExpression, type FoundSeries, type MetricsFinder, type Value } from "./expression.js";
import { metricId, type MinuteAggregate } from "./series.js";
import { periods, statistic } from "./statistics.js";

const cpu = metricId("AWS/ECS", "CPUUtilization", [{ name: "ServiceName", value: "web" }, { name: "ClusterName", value: "default" }]);
const series = (pairs: [number, number][]): Value => ({ kind: "series", points: new Map(pairs) });
const points = (v: Value): [number, number][] => (v.kind === "series" ? [...v.points] : v.kind === "scalar" ? [[-1, v.value]] : assert.fail("an array"));

describe("metric ids", () => {
  it("sort dimensions by name, so that the order a client names them in does not make another metric", () => {
    assert.deepEqual(cpu.dimensions.map((d) => d.name), ["ClusterName", "ServiceName"]);
  });
});

describe("the minute accumulator", () => {
  it("folds samples of one metric and minute into one aggregate, and starts empty after a drain", () => {
    const acc = new MinuteAccumulator();
    acc.addValue(cpu, 60_000 + 1, 10, "Percent");
    acc.addValue(cpu, 60_000 + 59_999, 30, "Percent");
    acc.addValue(cpu, 120_000, 5, "Percent");
    const out = acc.drain().sort((a, b) => a.minuteMs - b.minuteMs);
    assert.deepEqual(out.map((m) => [m.minuteMs, m.sum, m.count, m.min, m.max]), [[60_000, 40, 2, 10, 30], [120_000, 5, 1, 5, 5]]);
    assert.equal(acc.size, 0);
  });
});

describe("periods and statistics", () => {
  const minute = (m: number, sum: number, count: number, min: number, max: number): MinuteAggregate => ({ metric: cpu, minuteMs: m * 60_000, sum, count, min, max, unit: "Percent" });
  const data = [minute(0, 10, 2, 4, 6), minute(1, 30, 3, 5, 15), minute(5, 8, 1, 8, 8), minute(10, 1, 1, 1, 1)];

  it("fold minutes into periods aligned on multiples of the period, within [start, end)", () => {
    const p = periods(data, 300_000, 0, 600_000);
    assert.deepEqual(p.map((x) => [x.timestampMs, x.sum, x.count, x.min, x.max]), [[0, 40, 5, 4, 15], [300_000, 8, 1, 8, 8]]);
  });

  it("answer each statistic from the aggregate", () => {
    const p = periods(data, 300_000, 0, 300_000)[0]!;
    assert.deepEqual(
      (["SampleCount", "Sum", "Minimum", "Maximum", "Average"] as const).map((s) => statistic(p, s)),
      [5, 40, 4, 15, 8],
    );
  });
});

describe("metric math", () => {
  const lookup = (id: string): Value | undefined =>
    ({ a: series([[1, 10], [2, 20], [3, 30]]), b: series([[1, 1], [2, 2], [4, 4]]) })[id];
  const cases: [string, [number, number][]][] = [
    ["a + b", [[1, 11], [2, 22]]],
    ["(a - b) * 2", [[1, 18], [2, 36]]],
    ["a / 10", [[1, 1], [2, 2], [3, 3]]],
    ["-b", [[1, -1], [2, -2], [4, -4]]],
    ["SUM([a, b])", [[1, 11], [2, 22], [3, 30], [4, 4]]],
    ["AVG([a, b])", [[1, 5.5], [2, 11], [3, 30], [4, 4]]],
    ["max([a, b])", [[1, 10], [2, 20], [3, 30], [4, 4]]],
    ["SUM(a)", [[-1, 60]]],
    ["AVG(b)", [[-1, 7 / 3]]],
    ["MIN(a) + 1", [[-1, 11]]],
    ["1 + 2 * 3", [[-1, 7]]],
  ];
  for (const [text, want] of cases) {
    it(`evaluates ${text}`, () => assert.deepEqual(points(evaluate(parseExpression(text), lookup)), want));
  }

  it("names the ids an expression reads", () => assert.deepEqual(idsOf(parseExpression("SUM([m1, m2]) / m3")), ["m1", "m2", "m3"]));

  for (const [text, message] of [
    ["a +", /ends too early/],
    ["a $ b", /Unexpected character/],
    ["FILL(a, 0)", /Unknown function FILL/],
    ["METRICS('web')", /Unknown function METRICS: Berth offers SUM, AVG, MIN, MAX, SEARCH, REMOVE_EMPTY/],
    ["SEARCH({AWS/ECS}, 'Average', 60)", /SEARCH takes its search in single quotes/],
    ["SEARCH('{AWS/ECS', 'Average', 60)", /not closed by '}'/],
    ["SEARCH('{AWS/ECS}', 'Mean', 60)", /statistic 'Mean' is not one Berth offers/],
    ["SEARCH('{AWS/ECS}', 'Average', 90)", /multiple of 60/],
    ["a + 'x'", /only an argument of SEARCH/],
    ["SELECT AVG(CPUUtilization) FROM \"AWS/ECS\" WHERE ServiceName LIKE 'web%'", /Expected =, !=, IN or NOT IN after ServiceName/],
    ["(a + b", /Expected '\)'/],
    ["a b", /Unexpected 'b'/],
  ] as const) {
    it(`refuses ${text} saying why`, () => assert.throws(() => parseExpression(text), (e) => e instanceof ExpressionError && message.test(e.message)));
  }

  describe("SEARCH", () => {
    const web = metricId("AWS/ECS", "CPUUtilization", [{ name: "ServiceName", value: "web" }]);
    const api = metricId("AWS/ECS", "CPUUtilization", [{ name: "ServiceName", value: "api" }]);
    const idle = metricId("AWS/ECS", "CPUUtilization", [{ name: "ServiceName", value: "idle" }]);
    const found = (s: MetricsFinder): FoundSeries[] => {
      assert.ok(s.kind === "search");
      assert.equal(s.text, "{AWS/ECS,ServiceName} MetricName=CPUUtilization");
      assert.equal(s.stat, "Average");
      assert.equal(s.periodS, 60);
      return [
        { metric: web, label: "web", stat: s.stat, periodMs: 60_000, points: new Map([[1, 10], [2, 20]]) },
        { metric: api, label: "api", stat: s.stat, periodMs: 60_000, points: new Map([[1, 1], [3, 3]]) },
        { metric: idle, label: "idle", stat: s.stat, periodMs: 60_000, points: new Map() },
      ];
    };
    const search = "SEARCH('{AWS/ECS,ServiceName} MetricName=CPUUtilization', 'Average', 60)";
    const run = (text: string): Value => evaluate(parseExpression(text), lookup, found);
    const arrayOf = (v: Value) => (v.kind === "array" ? v.items.map((s) => [s.metric.dimensions[0]!.value, [...s.points]]) : assert.fail(v.kind));

    it("is every series the search finds, each with its metric", () => {
      assert.deepEqual(arrayOf(run(search)), [["web", [[1, 10], [2, 20]]], ["api", [[1, 1], [3, 3]]], ["idle", []]]);
    });
    it("REMOVE_EMPTY drops the series without a datapoint", () => {
      assert.deepEqual(arrayOf(run(`REMOVE_EMPTY(${search})`)).map(([name]) => name), ["web", "api"]);
    });
    it("SUM, AVG, MIN and MAX of it are one series, point by point", () => {
      assert.deepEqual(points(run(`SUM(${search})`)), [[1, 11], [2, 20], [3, 3]]);
      assert.deepEqual(points(run(`MAX(REMOVE_EMPTY(${search}))`)), [[1, 10], [2, 20], [3, 3]]);
    });
    it("arithmetic applies to each of its series", () => {
      assert.deepEqual(arrayOf(run(`${search} * 2 + a`)), [["web", [[1, 30], [2, 60]]], ["api", [[1, 12], [3, 36]]], ["idle", []]]);
      assert.throws(() => run(`${search} + ${search}`), /Two arrays of series/);
    });
    it("is refused where no metrics are searched (an alarm)", () => {
      assert.throws(() => evaluate(parseExpression(search), lookup), /answered by GetMetricData only/);
    });
  });

  it("refuses an id that no other query has", () => {
    assert.throws(() => evaluate(parseExpression("a + zz"), lookup), /names 'zz'/);
  });
});
