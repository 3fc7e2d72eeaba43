import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { percentile, sketchCount } from "../domain/metrics/sketch.js";
import { counted, readTrafficEntries, responseTimes, responseTimeSketch, sumRows, TrafficTally } from "./traffic.js";

describe("a serving process's traffic tally", () => {
  it("counts per load balancer and target group, classes the codes as CloudWatch does, and starts empty after a drain", () => {
    const t = new TrafficTally();
    t.count("lb", "tg", "RequestCount");
    t.count("lb", "tg", "RequestCount");
    t.targetResponse("lb", "tg", 200, 0.004);
    t.targetResponse("lb", "tg", 503, 0.010);
    t.elbResponse("lb", 503);
    t.elbResponse("lb", 404);
    t.elbResponse("lb", 301);
    t.elbResponse("lb", 200);
    const [first, second, ...rest] = t.drain();
    assert.equal(rest.length, 0);
    assert.deepEqual([first![0], first![1]], ["lb", "tg"]);
    const group = first![2];
    assert.deepEqual([counted(group, "RequestCount"), counted(group, "HTTPCode_Target_2XX_Count"), counted(group, "HTTPCode_Target_5XX_Count")], [2, 1, 1]);
    assert.deepEqual(responseTimes(group), { sum: 0.014, count: 2, min: 0.004, max: 0.010 });
    assert.deepEqual([second![0], second![1]], ["lb", ""]);
    const own = second![2];
    assert.deepEqual(
      ["HTTPCode_ELB_5XX_Count", "HTTPCode_ELB_503_Count", "HTTPCode_ELB_502_Count", "HTTPCode_ELB_4XX_Count", "HTTPCode_ELB_3XX_Count"].map((n) => counted(own, n as never)),
      [1, 1, 0, 1, 1],
    );
    assert.equal(responseTimes(own), undefined);
    assert.deepEqual(t.drain(), []);
  });

  it("merges a worker's rows that crossed IPC as JSON (where an empty minimum and maximum become null)", () => {
    const worker = new TrafficTally();
    worker.count("lb", "tg", "NewFlowCount");
    worker.count("lb", "", "NewConnectionCount");
    worker.targetResponse("lb", "tg", 200, 0.5);
    const wire: unknown = JSON.parse(JSON.stringify(worker.drain()));
    const entries = readTrafficEntries(wire);
    assert.ok(entries);
    const primary = new TrafficTally();
    primary.targetResponse("lb", "tg", 200, 0.25);
    primary.merge(entries);
    const rows = primary.drain();
    const group = rows.find(([, g]) => g === "tg")![2];
    assert.deepEqual([counted(group, "NewFlowCount"), counted(group, "HTTPCode_Target_2XX_Count")], [1, 2]);
    assert.deepEqual(responseTimes(group), { sum: 0.75, count: 2, min: 0.25, max: 0.5 });
    assert.deepEqual([0, 100].map((p) => percentile(responseTimeSketch(rows.filter(([, g]) => g === "tg")), p, 0.25, 0.5)), [0.25, 0.5]);
    assert.equal(sketchCount(responseTimeSketch(rows)), 2);
    // The load balancer's own row had no response time: its extremes stay empty, not 0.
    const total = sumRows(rows.map(([, , r]) => r));
    assert.deepEqual(responseTimes(total), { sum: 0.75, count: 2, min: 0.25, max: 0.5 });
    assert.equal(counted(total, "NewConnectionCount"), 1);
  });

  it("refuses a message that is not rows of the tally's width", () => {
    assert.equal(readTrafficEntries([["lb", "tg", [1, 2], []]]), undefined);
    const t = new TrafficTally();
    t.count("lb", "tg", "RequestCount");
    const row = t.drain()[0]![2];
    assert.ok(readTrafficEntries([["lb", "tg", row, [[3, 1]]]]));
    assert.equal(readTrafficEntries([["lb", "tg", row, [[1.5, 1]]]]), undefined, "a bucket key is a whole number");
    assert.equal(readTrafficEntries([["lb", "tg", row, [[3, -1]]]]), undefined, "a count is positive");
    assert.equal(readTrafficEntries([["lb", 7, []]]), undefined);
    assert.equal(readTrafficEntries("rows"), undefined);
  });
});
