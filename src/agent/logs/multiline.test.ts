import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { datetimeFormatPattern, eventStart, MultilineJoiner } from "./multiline.js";

const start = (o: Parameters<typeof eventStart>[0]): RegExp => {
  const r = eventStart(o);
  assert.ok(r instanceof RegExp);
  return r;
};

describe("awslogs multi-line events", () => {
  it("a datetime format matches lines that start with such a time", () => {
    const re = datetimeFormatPattern("%Y-%m-%d %H:%M:%S");
    assert.ok(re instanceof RegExp);
    assert.ok(re.test("2026-11-29 07:00:00 boom"));
    assert.ok(!re.test("    at Foo.bar (x.js:1:2)"));
    assert.ok(!re.test("x 2026-11-29 07:00:00"));
    const syslog = start({ datetimeFormat: "%b %d, %Y %I:%M:%S %p" });
    assert.ok(syslog.test("Nov 29, 2026 07:00:00 AM started"));
    assert.ok("invalid" in (datetimeFormatPattern("%Q") as object));
  });

  it("the datetime format wins over the multiline pattern; a bad pattern is refused", () => {
    assert.equal(start({ datetimeFormat: "%Y", multilinePattern: "INFO" }).source, "^\\d{4}");
    assert.equal(start({ multilinePattern: "INFO" }).source, "^INFO");
    assert.equal(eventStart({}), undefined);
    assert.ok("invalid" in (eventStart({ multilinePattern: "(" }) as object));
  });

  it("joins the lines after a start line into its event", () => {
    const j = new MultilineJoiner<{ message: string }>(start({ multilinePattern: "\\[" }));
    const events: string[] = [];
    for (const message of ["[1] Exception", "  at a", "  at b", "[2] ok", "[3] Exception", "  at c"]) {
      const done = j.push({ message });
      if (done) events.push(done.map((l) => l.message).join("\n"));
    }
    events.push(j.take()!.map((l) => l.message).join("\n"));
    assert.deepEqual(events, ["[1] Exception\n  at a\n  at b", "[2] ok", "[3] Exception\n  at c"]);
    assert.equal(j.take(), undefined);
  });
});
