import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { nextScheduledTime, parseSchedulerExpression, withinWindow, type ScheduleTiming } from "./scheduler-expression.js";
import { fromWall, isTimeZone, offsetMs } from "./time-zone.js";

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const timing = (expression: string, o: Partial<ScheduleTiming> = {}): ScheduleTiming => {
  const e = parseSchedulerExpression(expression);
  if ("invalid" in e) throw new Error(e.invalid);
  return { expression: e, zone: "UTC", anchorMs: Date.parse("2026-11-29T06:00:00Z"), ...o };
};
const next = (expression: string, after: string, o: Partial<ScheduleTiming> = {}) => iso(nextScheduledTime(timing(expression, o), Date.parse(after)));

describe("time zones through Intl", () => {
  it("knows zones, and their offsets in winter and summer", () => {
    assert.equal(isTimeZone("America/New_York"), true);
    assert.equal(isTimeZone("Mars/Olympus"), false);
    assert.equal(offsetMs("America/New_York", Date.parse("2026-01-15T12:00:00Z")), -5 * 3_600_000);
    assert.equal(offsetMs("America/New_York", Date.parse("2026-07-15T12:00:00Z")), -4 * 3_600_000);
    assert.equal(offsetMs("Asia/Kolkata", Date.parse("2026-07-15T12:00:00Z")), 5.5 * 3_600_000);
  });

  it("maps a wall-clock time to its instant, a skipped one to after the change", () => {
    assert.equal(iso(fromWall("Europe/Paris", Date.UTC(2026, 11, 1, 9, 0))), "2026-12-01T08:00:00.000Z");
    // 2026-03-08 02:30 does not exist in New York (clocks go from 02:00 to 03:00).
    assert.equal(iso(fromWall("America/New_York", Date.UTC(2026, 2, 8, 2, 30))), "2026-03-08T07:30:00.000Z");
    // 2026-11-01 01:30 happens twice: the first (EDT).
    assert.equal(iso(fromWall("America/New_York", Date.UTC(2026, 10, 1, 1, 30))), "2026-11-01T05:30:00.000Z");
  });
});

describe("EventBridge Scheduler expressions", () => {
  const refused: Array<[string, RegExp]> = [
    ["at(2026-02-30T10:00:00)", /does not exist/],
    ["at(2026-11-29 10:00:00)", /yyyy-mm-ddThh:mm:ss/],
    ["rate(1 minutes)", /singular/],
    ["cron(0 10 * * * *)", /\?/],
    ["every minute", /rate\(value unit\)/],
  ];
  for (const [text, why] of refused) {
    it(`refuses ${text}`, () => {
      const e = parseSchedulerExpression(text);
      assert.ok("invalid" in e && why.test(e.invalid), JSON.stringify(e));
    });
  }

  it("at() is one time in its zone, and none after it", () => {
    assert.equal(next("at(2026-11-29T09:00:00)", "2026-11-29T06:00:00Z", { zone: "Europe/Paris" }), "2026-11-29T08:00:00.000Z");
    assert.equal(next("at(2026-11-29T09:00:00)", "2026-11-29T08:00:00Z", { zone: "Europe/Paris" }), undefined);
    assert.equal(next("at(2026-11-29T09:00:00)", "2026-11-29T06:00:00Z"), "2026-11-29T09:00:00.000Z", "UTC by default");
  });

  it("cron() reads the zone's wall clock, across a DST change", () => {
    // 10:00 in New York: 15:00 UTC in winter, 14:00 UTC in summer.
    assert.equal(next("cron(0 10 * * ? *)", "2026-03-07T16:00:00Z", { zone: "America/New_York" }), "2026-03-08T14:00:00.000Z");
    assert.equal(next("cron(0 10 * * ? *)", "2026-03-06T16:00:00Z", { zone: "America/New_York" }), "2026-03-07T15:00:00.000Z");
    assert.equal(next("cron(0 9 ? * MON-FRI *)", "2026-11-27T09:00:00Z", { zone: "Asia/Tokyo" }), "2026-11-30T00:00:00.000Z", "Friday's 09:00 Tokyo has passed; Monday's");
  });

  it("rate() counts from StartDate (its first run) or from creation (a period later); EndDate ends it", () => {
    assert.equal(next("rate(5 minutes)", "2026-11-29T06:00:00Z"), "2026-11-29T06:05:00.000Z");
    assert.equal(next("rate(5 minutes)", "2026-11-29T06:07:00Z"), "2026-11-29T06:10:00.000Z");
    const start = Date.parse("2026-11-29T07:00:00Z");
    assert.equal(next("rate(1 hour)", "2026-11-29T06:00:00Z", { startMs: start }), "2026-11-29T07:00:00.000Z");
    assert.equal(next("rate(1 hour)", "2026-11-29T07:00:00Z", { startMs: start }), "2026-11-29T08:00:00.000Z");
    assert.equal(next("rate(1 hour)", "2026-11-29T07:00:00Z", { startMs: start, endMs: Date.parse("2026-11-29T07:59:00Z") }), undefined);
    assert.equal(next("cron(0 12 * * ? *)", "2026-11-29T06:00:00Z", { startMs: Date.parse("2026-12-01T00:00:00Z") }), "2026-12-01T12:00:00.000Z");
  });

  it("a flexible window spreads a due time by up to its minutes, the same way each time", () => {
    const due = Date.parse("2026-11-29T08:00:00Z");
    assert.equal(withinWindow(due, undefined, "a"), due);
    const spread = ["a", "b", "c", "d", "e", "f"].map((k) => withinWindow(due, 15, k) - due);
    assert.ok(spread.every((s) => s >= 0 && s < 15 * 60_000), String(spread));
    assert.ok(new Set(spread).size > 1, "different schedules land at different times");
    assert.equal(withinWindow(due, 15, "a"), withinWindow(due, 15, "a"));
  });
});
