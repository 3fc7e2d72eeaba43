import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { createLogger } from "./logger.js";

function capture(): { logger: ReturnType<typeof createLogger>; text: () => string } {
  const out: string[] = [];
  const stream = new Writable({ write: (c: Buffer, _e, done) => (out.push(c.toString()), done()) });
  return { logger: createLogger("debug", stream), text: () => out.join("") };
}

describe("bounded logger", () => {
  it("keeps every line small, whatever it is given", () => {
    const { logger, text } = capture();
    const huge = "x".repeat(900_000);
    logger.child({ target: huge }).info({ value: huge, nested: { deeper: { list: Array(10_000).fill(huge.slice(0, 10)) } }, err: new Error(huge) }, huge);
    const lines = text().split("\n").filter(Boolean);
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.length < 20_000, `line is ${lines[0]!.length} characters`);
    const line = JSON.parse(lines[0]!) as { msg: string; value: string; err: { message: string } };
    assert.match(line.msg, /…\(\+898976 more\)$/);
    assert.match(line.err.message, /more\)$/);
  });

  it("leaves ordinary lines as pino writes them", () => {
    const { logger, text } = capture();
    logger.child({ requestId: "r-1" }).child({ component: "api" }).info({ op: "RunTask", err: new Error("boom") }, "ok %s", "done");
    const line = JSON.parse(text()) as Record<string, unknown> & { err: { message: string; type: string } };
    assert.equal(line.requestId, "r-1");
    assert.equal(line.component, "api");
    assert.equal(line.msg, "ok done");
    assert.equal(line.err.type, "Error");
    assert.equal(line.err.message, "boom");
  });
});
