import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TaskReport } from "../agent-protocol/messages.js";
import { SqliteStore } from "../state/sqlite/sqlite-store.js";
import { ReportBatcher } from "./report-batcher.js";
import { aTask, anInstance } from "./testing.js";

const running = (arn: string): TaskReport => ({ taskArn: arn, status: "RUNNING", containers: [{ name: "app", status: "RUNNING" }], startedAtMs: 5 });

describe("ReportBatcher", () => {
  it("records the submissions of one turn in one write, at most maxReportsPerWrite reports a write (whole submissions), and answers each with its refusals", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "berth-batcher-"));
    const store = new SqliteStore({ path: join(dir, "berth.db") });
    t.after(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const tasks = ["a", "b", "c", "d", "e"].map((id) => aTask(id));
    const theirs = aTask("x", { instance: "i2" });
    await store.write(async (tx) => {
      await tx.containerInstances.put(anInstance("i1"));
      await tx.containerInstances.put(anInstance("i2"));
      for (const task of [...tasks, theirs]) await tx.tasks.put(task);
    });
    const write = store.write.bind(store);
    let writes = 0;
    store.write = (fn) => {
      writes++;
      return write(fn);
    };

    const batcher = new ReportBatcher(store, () => 1_000, 3);
    const answers = await Promise.all([
      batcher.submit(tasks[0]!.containerInstanceArn, [running(tasks[0]!.arn), running(theirs.arn)]),
      batcher.submit(tasks[1]!.containerInstanceArn, [running(tasks[1]!.arn)]),
      batcher.submit(tasks[2]!.containerInstanceArn, [running(tasks[2]!.arn), running(tasks[3]!.arn)]),
      batcher.submit(tasks[4]!.containerInstanceArn, [running(tasks[4]!.arn), running("arn:aws:ecs:us-east-1:000000000000:task/c/unknown")]),
    ]);

    assert.deepEqual(answers.map((refused) => refused.map((r) => r.taskArn)), [[theirs.arn], [], [], []]);
    // 2 + 1 reports fit in 3; 2 + 2 do not, so the last two submissions go in writes of their own.
    assert.equal(writes, 3);
    const stored = await store.read(async (tx) => Promise.all([...tasks, theirs].map((x) => tx.tasks.get(x.arn))));
    assert.deepEqual(stored.map((x) => x?.lastStatus), ["RUNNING", "RUNNING", "RUNNING", "RUNNING", "RUNNING", "PENDING"]);
  });
});
