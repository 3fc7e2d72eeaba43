import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DirtyKeys } from "./dirty-keys.js";

describe("DirtyKeys", () => {
  it("handles a key once per pass however often it was marked, and again if marked while in hand", async () => {
    const handled: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const keys = new DirtyKeys(async (k) => {
      handled.push(k);
      if (k === "a" && handled.length === 1) {
        keys.mark("a"); // marked again while being handled
        await gate;
      }
    });
    keys.mark("a");
    keys.mark("b");
    keys.mark("b");
    await new Promise((r) => setImmediate(r));
    release();
    await new Promise((r) => setImmediate(r));
    await keys.stop();
    assert.deepEqual(handled, ["a", "b", "a"]);
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
