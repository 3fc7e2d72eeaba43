import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Liveness } from "./liveness.js";

const settings = { heartbeatMs: 1000, replyWithinMs: 1500 };

describe("Liveness", () => {
  it("makes a ping due once a period has passed since the last", () => {
    const l = new Liveness(settings, 0);
    assert.equal(l.pingDue(999), false);
    assert.equal(l.pingDue(1000), true);
    l.pinged(1000);
    assert.equal(l.pingDue(1999), false);
    assert.equal(l.pingDue(2000), true);
  });

  it("is silent only once the oldest unanswered ping waited longer than replyWithinMs", () => {
    const l = new Liveness(settings, 0);
    assert.equal(l.silent(100_000), false, "no ping sent, no silence, however long");
    l.pinged(1000);
    l.pinged(2000);
    assert.equal(l.silent(2500), false);
    assert.equal(l.silent(2501), true, "counted from the first unanswered ping");
  });

  it("forgets unanswered pings once anything is heard, and remembers when", () => {
    const l = new Liveness(settings, 0);
    l.pinged(1000);
    l.heard(2400);
    assert.equal(l.silent(10_000), false);
    assert.equal(l.lastHeardMs, 2400);
    l.pinged(3000);
    assert.equal(l.silent(4500), false);
    assert.equal(l.silent(4501), true);
  });

  it("notices an agent frozen right after answering within heartbeatMs + replyWithinMs", () => {
    const l = new Liveness(settings, 0);
    let now = 0;
    let frozenAt: number | undefined;
    for (; now <= 10_000; now += 250) {
      if (l.pingDue(now)) {
        l.pinged(now);
        if (frozenAt === undefined && now >= 5000) frozenAt = now;
        else if (frozenAt === undefined) l.heard(now + 1);
      }
      if (l.silent(now)) break;
    }
    assert.ok(frozenAt !== undefined);
    assert.ok(now - (frozenAt - 1000) <= settings.heartbeatMs + settings.replyWithinMs + 250, `noticed ${now - (frozenAt - 1000)} ms after the last answer`);
  });
});
