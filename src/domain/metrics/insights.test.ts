import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { insightsMatches, insightsSeries, InsightsError, parseInsights } from "./insights.js";
import { metricId, type MetricId } from "./series.js";
import type { PeriodAggregate } from "./statistics.js";

const lb = (dims: Record<string, string>, metricName = "RequestCount"): MetricId => metricId("AWS/ApplicationELB", metricName, Object.entries(dims).map(([name, value]) => ({ name, value })));
const a1 = lb({ LoadBalancer: "app/one", AvailabilityZone: "us-east-1a" });
const b1 = lb({ LoadBalancer: "app/one", AvailabilityZone: "us-east-1b" });
const a2 = lb({ LoadBalancer: "app/two", AvailabilityZone: "us-east-1a" });
const whole = lb({ LoadBalancer: "app/one" });
const bare = lb({});
const other = lb({ LoadBalancer: "app/one" }, "HTTPCode_ELB_5XX_Count");
const metrics = [a1, b1, a2, whole, bare, other];

const matching = (text: string): MetricId[] => metrics.filter((m) => insightsMatches(parseInsights(text), m));
/** One period of `count` observations summing to `sum`, between `min` and `max`. */
const at = (t: number, sum: number, count = 1, min = sum, max = sum): PeriodAggregate => ({ timestampMs: t, sum, count, min, max, unit: "Count" });

describe("Metrics Insights queries", () => {
  it("FROM a namespace reads the metric whatever its dimensions; SCHEMA exactly the dimensions named, none with the namespace alone", () => {
    assert.deepEqual(matching('SELECT SUM(RequestCount) FROM "AWS/ApplicationELB"'), [a1, b1, a2, whole, bare]);
    assert.deepEqual(matching('SELECT SUM(RequestCount) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer, AvailabilityZone)'), [a1, b1, a2]);
    assert.deepEqual(matching('select sum(RequestCount) from schema("AWS/ApplicationELB", AvailabilityZone, LoadBalancer)'), [a1, b1, a2], "keywords in any case; the names in any order");
    assert.deepEqual(matching('SELECT SUM(RequestCount) FROM SCHEMA("AWS/ApplicationELB")'), [bare]);
  });

  it("WHERE takes =, !=, IN, NOT IN, AND, OR and parentheses", () => {
    const from = 'SELECT SUM(RequestCount) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer, AvailabilityZone) WHERE ';
    assert.deepEqual(matching(`${from}LoadBalancer = 'app/one'`), [a1, b1]);
    assert.deepEqual(matching(`${from}LoadBalancer != 'app/one'`), [a2]);
    assert.deepEqual(matching(`${from}LoadBalancer = 'app/one' AND AvailabilityZone = 'us-east-1b'`), [b1]);
    assert.deepEqual(matching(`${from}AvailabilityZone = 'us-east-1b' OR LoadBalancer = 'app/two'`), [b1, a2]);
    assert.deepEqual(matching(`${from}AvailabilityZone IN ('us-east-1b', 'us-east-1c') OR (LoadBalancer NOT IN ('app/one') AND AvailabilityZone = 'us-east-1a')`), [b1, a2]);
  });

  it("folds every observation of a group per period, orders the groups and keeps LIMIT of them", () => {
    const data = [
      { metric: a1, periods: [at(0, 10, 2, 4, 6), at(60, 30, 3, 5, 15)] },
      { metric: b1, periods: [at(0, 6, 1), at(60, 2, 2, 1, 1)] },
      { metric: a2, periods: [at(60, 100, 4, 10, 40)] },
    ];
    const run = (text: string) => insightsSeries(parseInsights(text), data).map((s) => [s.values.join(" "), [...s.points]]);
    const from = 'FROM SCHEMA("AWS/ApplicationELB", LoadBalancer, AvailabilityZone)';
    assert.deepEqual(run(`SELECT SUM(RequestCount) ${from}`), [["", [[0, 16], [60, 132]]]]);
    assert.deepEqual(run(`SELECT AVG(RequestCount) ${from}`), [["", [[0, 16 / 3], [60, 132 / 9]]]], "the average of the observations, not of the metrics' averages");
    assert.deepEqual(run(`SELECT COUNT(RequestCount) ${from}`), [["", [[0, 3], [60, 9]]]]);
    assert.deepEqual(run(`SELECT MAX(RequestCount) ${from} GROUP BY LoadBalancer`), [["app/one", [[0, 6], [60, 15]]], ["app/two", [[60, 40]]]], "groups in ascending order of their values");
    assert.deepEqual(run(`SELECT MIN(RequestCount) ${from} GROUP BY AvailabilityZone ORDER BY MIN() DESC`), [["us-east-1a", [[0, 4], [60, 5]]], ["us-east-1b", [[0, 6], [60, 1]]]]);
    assert.deepEqual(run(`SELECT MIN(RequestCount) ${from} GROUP BY AvailabilityZone ORDER BY MIN() ASC`).map(([zone]) => zone), ["us-east-1b", "us-east-1a"]);
    assert.deepEqual(run(`SELECT SUM(RequestCount) ${from} GROUP BY LoadBalancer, AvailabilityZone ORDER BY SUM() DESC LIMIT 2`), [["app/two us-east-1a", [[60, 100]]], ["app/one us-east-1a", [[0, 10], [60, 30]]]]);
    const withBare = insightsSeries(parseInsights('SELECT SUM(RequestCount) FROM "AWS/ApplicationELB" GROUP BY AvailabilityZone'), [...data, { metric: bare, periods: [at(0, 1)] }]);
    assert.deepEqual(withBare.map((s) => s.values), [["Other"], ["us-east-1a"], ["us-east-1b"]], "a metric without the grouped dimension falls in Other");
  });

  it("refuses what it cannot read, saying what is wrong", () => {
    for (const [query, message] of [
      ["SELECT MEDIAN(RequestCount) FROM x", /Expected a function \(AVG, COUNT, MAX, MIN, SUM\) where 'MEDIAN' is/],
      ["SELECT SUM(RequestCount)", /Expected FROM at the end/],
      ["SELECT SUM(RequestCount) FROM AWS/ApplicationELB", /Unexpected character '\/'/],
      ["SELECT SUM(RequestCount) FROM x WHERE a = b", /single-quoted/],
      ["SELECT SUM(RequestCount) FROM x WHERE a = 'b", /not closed/],
      ["SELECT SUM(RequestCount) FROM x LIMIT 501", /LIMIT is a whole number from 1 to 500/],
      ["SELECT SUM(RequestCount) FROM x ORDER BY SUM DESC", /Expected '\('/],
      ["SELECT SUM(RequestCount) FROM x GROUP ServiceName", /Expected BY/],
    ] as const) {
      assert.throws(() => parseInsights(query), (e: Error) => e instanceof InsightsError && message.test(e.message), query);
    }
  });
});
