import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { nextFire, parseScheduleExpression, type ScheduleExpression } from "./schedule-expression.js";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function parsed(text: string): ScheduleExpression {
  const p = parseScheduleExpression(text);
  assert.ok(!("invalid" in p), `${text}: ${"invalid" in p ? p.invalid : ""}`);
  return p;
}

/** The next `n` fire times after `from`. */
function fires(text: string, from: string, n: number): string[] {
  const e = parsed(text);
  const out: string[] = [];
  let t = at(from);
  for (let i = 0; i < n; i++) {
    const next = nextFire(e, t, at(from));
    assert.ok(next !== undefined);
    out.push(iso(next) ?? "");
    t = next;
  }
  return out;
}

describe("EventBridge's documented cron examples (UTC)", () => {
  // 2026-11-29 is a Sunday.
  const cases: Array<[string, string, string[]]> = [
    ["cron(0 10 * * ? *)", "2026-11-29T10:00:00Z", ["2026-11-30T10:00:00.000Z", "2026-12-01T10:00:00.000Z"]],
    ["cron(15 12 * * ? *)", "2026-11-29T05:00:00Z", ["2026-11-29T12:15:00.000Z", "2026-11-30T12:15:00.000Z"]],
    ["cron(0 18 ? * MON-FRI *)", "2026-11-27T18:30:00Z", ["2026-11-30T18:00:00.000Z", "2026-12-01T18:00:00.000Z"]],
    ["cron(0 8 1 * ? *)", "2026-11-29T00:00:00Z", ["2026-12-01T08:00:00.000Z", "2027-01-01T08:00:00.000Z"]],
    ["cron(0/15 * * * ? *)", "2026-11-29T23:40:00Z", ["2026-11-29T23:45:00.000Z", "2026-11-30T00:00:00.000Z", "2026-11-30T00:15:00.000Z"]],
    ["cron(0/10 * ? * MON-FRI *)", "2026-11-27T23:45:00Z", ["2026-11-27T23:50:00.000Z", "2026-11-30T00:00:00.000Z"]],
    ["cron(0/5 8-17 ? * MON-FRI *)", "2026-11-30T17:50:00Z", ["2026-11-30T17:55:00.000Z", "2026-12-01T08:00:00.000Z"]],
    // The first Monday of each month, 9:00.
    ["cron(0 9 ? * 2#1 *)", "2026-11-29T00:00:00Z", ["2026-12-07T09:00:00.000Z", "2027-01-04T09:00:00.000Z", "2027-02-01T09:00:00.000Z"]],
    // The last day of the month (February in a leap year and not).
    ["cron(0 0 L * ? *)", "2027-01-31T00:00:00Z", ["2027-02-28T00:00:00.000Z", "2027-03-31T00:00:00.000Z"]],
    ["cron(0 0 L 2 ? *)", "2027-03-01T00:00:00Z", ["2028-02-29T00:00:00.000Z"]],
    // The weekday nearest the 15th: 2026-11-15 is a Sunday (→ Monday 16th), 2027-05-15 a Saturday (→ Friday 14th).
    ["cron(0 12 15W * ? *)", "2026-11-01T00:00:00Z", ["2026-11-16T12:00:00.000Z", "2026-12-15T12:00:00.000Z"]],
    ["cron(0 12 15W 5 ? *)", "2026-11-01T00:00:00Z", ["2027-05-14T12:00:00.000Z"]],
    // 1W on a Saturday moves forward to Monday the 3rd (never into the previous month); LW, the last weekday.
    ["cron(0 0 1W 5 ? 2027)", "2026-11-01T00:00:00Z", ["2027-05-03T00:00:00.000Z"]],
    ["cron(0 0 LW 1 ? *)", "2026-11-01T00:00:00Z", ["2027-01-29T00:00:00.000Z", "2028-01-31T00:00:00.000Z"]],
    // The last Friday of the month; L alone in day-of-week is Saturday.
    ["cron(30 6 ? * 6L *)", "2026-11-01T00:00:00Z", ["2026-11-27T06:30:00.000Z", "2026-12-25T06:30:00.000Z"]],
    ["cron(0 0 ? * L *)", "2026-11-29T00:00:00Z", ["2026-12-05T00:00:00.000Z", "2026-12-12T00:00:00.000Z"]],
    // Names, lists, a wrapping range, a year.
    ["cron(0 0 1 JAN,jul ? 2027-2028)", "2026-11-01T00:00:00Z", ["2027-01-01T00:00:00.000Z", "2027-07-01T00:00:00.000Z", "2028-01-01T00:00:00.000Z"]],
    ["cron(0 0 ? * FRI-MON *)", "2026-12-01T00:00:00Z", ["2026-12-04T00:00:00.000Z", "2026-12-05T00:00:00.000Z", "2026-12-06T00:00:00.000Z", "2026-12-07T00:00:00.000Z", "2026-12-11T00:00:00.000Z"]],
  ];
  for (const [expression, from, expected] of cases) {
    it(`${expression} after ${from}`, () => assert.deepEqual(fires(expression, from, expected.length), expected));
  }

  it("a cron whose years are over never fires again", () => {
    assert.equal(nextFire(parsed("cron(0 0 1 1 ? 2027)"), at("2027-01-01T00:00:00Z"), 0), undefined);
  });
});

describe("rate()", () => {
  it("fires every period from its anchor", () => {
    assert.deepEqual(fires("rate(1 minute)", "2026-11-29T05:00:30Z", 2), ["2026-11-29T05:01:30.000Z", "2026-11-29T05:02:30.000Z"]);
    assert.deepEqual(fires("rate(2 hours)", "2026-11-29T05:00:00Z", 1), ["2026-11-29T07:00:00.000Z"]);
    assert.deepEqual(fires("rate(1 day)", "2026-11-29T05:00:00Z", 1), ["2026-11-30T05:00:00.000Z"]);
    assert.equal(nextFire(parsed("rate(5 minutes)"), at("2026-11-29T05:12:00Z"), at("2026-11-29T05:00:00Z")), at("2026-11-29T05:15:00Z"));
  });
});

describe("malformed expressions", () => {
  const bad = [
    "",
    "rate(0 minutes)",
    "rate(1 minutes)",
    "rate(5 minute)",
    "rate(5 seconds)",
    "rate(-1 minutes)",
    "rate(5  minutes)",
    "cron(0 10 * * *)",
    "cron(0 10 * * ? * *)",
    "cron(0 10 * * * *)", // neither day field is ?
    "cron(0 10 ? * ? *)", // both are
    "cron(60 10 * * ? *)",
    "cron(0 24 * * ? *)",
    "cron(0 0 32 * ? *)",
    "cron(0 0 0 * ? *)",
    "cron(0 0 * 13 ? *)",
    "cron(0 0 ? * 8 *)",
    "cron(0 0 ? * 2#6 *)",
    "cron(0 0 * * ? 1969)",
    "cron(0/0 * * * ? *)",
    "cron(0 0 * FOO ? *)",
    "cron(0 0 1-2-3 * ? *)",
    "cron(0 0 32W * ? *)",
    "cron(0,, 0 * * ? *)",
    "at(2026-11-29T05:00:00)",
    "CRON(0 10 * * ? *)",
  ];
  for (const text of bad) it(`refuses '${text}'`, () => assert.ok("invalid" in parseScheduleExpression(text)));
});

describe("properties of cron", () => {
  const field = (max: number, min = 0) =>
    fc.oneof(
      fc.constant("*"),
      fc.integer({ min, max }).map(String),
      fc.tuple(fc.integer({ min, max }), fc.integer({ min: 1, max: 20 })).map(([a, s]) => `${a}/${s}`),
      fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    );
  const expression = fc
    .tuple(field(59), field(23), fc.oneof(field(28, 1), fc.constant("L"), fc.constant("?")), field(12, 1), field(7, 1))
    .map(([m, h, dom, mo, dow]) => `cron(${m} ${h} ${dom} ${mo} ${dom === "?" ? dow : "?"} *)`);
  const instant = fc.integer({ min: at("2026-01-01T00:00:00Z"), max: at("2030-01-01T00:00:00Z") });

  it("the next fire is a later whole minute, and no minute in between matches", () => {
    fc.assert(
      fc.property(expression, instant, (text, from) => {
        const e = parsed(text);
        const next = nextFire(e, from, 0);
        assert.ok(next !== undefined && next > from && next % 60_000 === 0);
        // Firing again from just before the answer gives the answer: nothing was skipped at minute granularity.
        assert.equal(nextFire(e, next - 1, 0), next);
        // Every minute between `from` and `next` (up to a day of them) answers `next` too.
        const step = Math.max(60_000, Math.floor((next - from) / 50));
        for (let t = from; t < next && t < from + 86_400_000; t += step) assert.equal(nextFire(e, t, 0), next);
      }),
      { numRuns: 300 },
    );
  });
});
