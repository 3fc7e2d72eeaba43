import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DirtyKeys } from "./dirty-keys.js";

describe("DirtyKeys", () => {
  it("handles a key once per pass however often it was marked, and again if marked while in hand", async () => {
    const handled: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // No slicing here (that is the next test's): the wait on the gate must not count as a slice
    // spent, or the pass would yield before "b" and stop() would come first on a slow turn.
    const keys = new DirtyKeys(async (k) => {
      handled.push(k);
      if (k === "a" && handled.length === 1) {
        keys.mark("a"); // marked again while being handled
        await gate;
      }
    }, Number.POSITIVE_INFINITY);
    keys.mark("a");
    keys.mark("b");
    keys.mark("b");
    await new Promise((r) => setImmediate(r));
    release();
    await new Promise((r) => setImmediate(r));
    await keys.stop();
    assert.deepEqual(handled, ["a", "b", "a"]);
  });

  it("gives the event loop a turn during a pass of handlers that never wait", async () => {
    const spin = (ms: number) => {
      for (const t0 = performance.now(); performance.now() - t0 < ms; );
    };
    const handledBeforeTimer: number[] = [];
    let handled = 0;
    let timerFired = false;
    const keys = new DirtyKeys(() => {
      spin(2);
      handled++;
      if (!timerFired) handledBeforeTimer.push(handled);
      return Promise.resolve();
    }, 10);
    setTimeout(() => (timerFired = true), 0);
    for (let i = 0; i < 50; i++) keys.mark(`k${i}`);
    // 50 keys of 2 ms: done in 100 ms on an idle machine; a loaded one may take several times that.
    for (const t0 = Date.now(); handled < 50 && Date.now() - t0 < 10_000; ) await new Promise((r) => setTimeout(r, 10));
    await keys.stop();
    assert.equal(handled, 50);
    assert.ok(timerFired, "the timer ran");
    assert.ok(handledBeforeTimer.length < 10, `the timer waited for ${handledBeforeTimer.length} keys of 2 ms`);
  });

  it("stop waits for the key in hand and handles nothing after it", async () => {
    const handled: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const keys = new DirtyKeys(async (k) => {
      handled.push(k);
      await gate;
    });
    keys.mark("a");
    keys.mark("b");
    await new Promise((r) => setImmediate(r));
    let stopped = false;
    const stopping = keys.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(stopped, false);
    release();
    await stopping;
    assert.deepEqual(handled, ["a"]);
  });
});
