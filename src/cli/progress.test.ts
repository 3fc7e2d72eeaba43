import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { Progress } from "./progress.js";

describe("Progress: start-up steps say what they do and how long they took", () => {
  it("names the step, its duration, and says it is still working while it takes long", async () => {
    const out = new PassThrough();
    let text = "";
    const heard = new Promise<void>((resolve) =>
      out.on("data", (c: Buffer) => {
        text += c.toString();
        if (text.includes("still working")) resolve();
      }),
    );
    let clock = 0;
    const progress = new Progress(out, { now: () => clock, heartbeatMs: 10 });
    // The step ends only once the heartbeat was heard: never silent while it works.
    await progress.step("agent", async () => {
      await heard;
      clock = 2_500;
    });
    const lines = text.trim().split("\n");
    assert.equal(lines[0], "berth up: agent…");
    assert.match(lines[1] ?? "", /^berth up: agent: still working \(\d+\.\d s\)$/);
    assert.equal(lines.at(-1), "berth up: agent: done in 2.5 s");
    assert.equal(progress.elapsed(), "2.5 s");
  });

  it("says when a step failed, and passes the error on", async () => {
    const out = new PassThrough();
    const progress = new Progress(out, { now: () => 0 });
    await assert.rejects(progress.step("server", () => Promise.reject(new Error("port taken"))), /port taken/);
    assert.match(String(out.read()), /server: failed after 0\.0 s\n$/);
  });

  it("counts a step's items in one line when it is quick, and says how far it is while it is not", async () => {
    const out = new PassThrough();
    let text = "";
    out.on("data", (c: Buffer) => (text += c.toString()));
    let clock = 0;
    const progress = new Progress(out, { now: () => clock, heartbeatMs: 10, name: "berth store copy" });
    await progress.count("us-east-1 clusters", 2, "rows", (advance) => Promise.resolve(advance(2)));
    await progress.count("us-east-1 tasks", 1_500_000, "rows", async (advance) => {
      advance(500_000);
      clock = 5_000;
      await new Promise<void>((resolve) => out.once("data", () => resolve()));
      advance(1_000_000);
      clock = 7_500;
    });
    const lines = text.trim().split("\n");
    assert.equal(lines[0], "berth store copy: us-east-1 clusters: 2 rows in 0.0 s");
    assert.equal(lines[1], "berth store copy: us-east-1 tasks: 500,000 of 1,500,000 rows (5.0 s)");
    assert.equal(lines.at(-1), "berth store copy: us-east-1 tasks: 1,500,000 rows in 7.5 s");
    await assert.rejects(progress.count("eu-west-1 tasks", 3, "rows", () => Promise.reject(new Error("connection lost"))), /connection lost/);
    assert.equal(text.trim().split("\n").at(-1), "berth store copy: eu-west-1 tasks: failed after 0.0 s (0 of 3 rows)");
  });
});
