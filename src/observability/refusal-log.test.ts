import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { pino } from "pino";
import { RefusalLog } from "./refusal-log.js";

function capture(level: string): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const stream = new Writable({ write: (c: Buffer, _e, done) => (out.push(c.toString()), done()) });
  return { logger: pino({ level }, stream), lines: () => out.join("").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("refusal log", () => {
  it("writes one summary line per interval with a count per reason, not one line per refusal", () => {
    const { logger, lines } = capture("info");
    const refusals = new RefusalLog({ logger, intervalMs: 60_000 });
    for (let i = 0; i < 1000; i++) refusals.count(i % 3 === 0 ? "InvalidSignatureException" : "MissingAuthenticationTokenException");
    assert.equal(lines().length, 0);
    refusals.flush();
    assert.deepEqual(lines().map((l) => l.refused), [{ InvalidSignatureException: 334, MissingAuthenticationTokenException: 666 }]);
    refusals.flush();
    assert.equal(lines().length, 1, "nothing new, no line");
    refusals.stop();
  });

  it("logs each refusal at debug, and flushes what is left when stopped", () => {
    const { logger, lines } = capture("debug");
    const refusals = new RefusalLog({ logger, intervalMs: 60_000 });
    refusals.count("ClientException", { op: "RunTask" });
    assert.deepEqual(lines().map((l) => [l.level, l.reason, l.op]), [[20, "ClientException", "RunTask"]]);
    refusals.stop();
    assert.deepEqual(lines()[1]?.refused, { ClientException: 1 });
  });
});
