import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TaskRecord } from "../../domain/task.js";
import { aTask, anInstance } from "../services/testing.js";
import { lostStandaloneTasks } from "./lost-tasks.js";

const grace = { lostAfterMs: 15_000 };
const standalone = (o: Parameters<typeof aTask>[0] = {}): TaskRecord => ({ ...aTask(o), serviceName: undefined, group: "family:web", startedBy: undefined });
const away = (sinceMs: number) => ({ ...anInstance("i1"), agentConnected: false, agentDisconnectedAtMs: sinceMs });

describe("standalone tasks of a lost instance", () => {
  const cases: [string, ReturnType<typeof away> | ReturnType<typeof anInstance>, number, number][] = [
    ["agent connected", anInstance("i1"), 1_000_000, 0],
    ["disconnected within the grace", away(100_000), 114_999, 0],
    ["disconnected exactly the grace", away(100_000), 115_000, 2],
    ["disconnected long ago", away(0), 1_000_000, 2],
  ];
  // A server started at 140,000 with a 60 s reattach grace: agents away then are not lost before 200,000.
  const afterStart: [string, ReturnType<typeof away>, number, number][] = [
    ["away at the start (marked so by it), inside the reattach window", away(140_000), 199_999, 0],
    ["away long before the start, inside the reattach window", away(0), 199_999, 0],
    ["away at the start, at the window's end", away(140_000), 200_000, 2],
    ["gone after the start: only its own grace counts", away(150_000), 164_999, 0],
    ["gone after the start, past its grace, inside the window", away(150_000), 165_000, 2],
  ];
  for (const [what, instance, nowMs, count] of afterStart) {
    it(`${what}: ${count} recorded STOPPED`, () => {
      const tasks = [standalone({ instance: "i1" }), standalone({ instance: "i1", status: "PENDING" })];
      assert.equal(lostStandaloneTasks(instance, tasks, { nowMs, ...grace, startedAtMs: 140_000, reattachGraceMs: 60_000 }).length, count);
    });
  }
  for (const [what, instance, nowMs, count] of cases) {
    it(`${what}: ${count} recorded STOPPED`, () => {
      const tasks = [standalone({ instance: "i1" }), standalone({ instance: "i1", status: "PENDING" })];
      assert.equal(lostStandaloneTasks(instance, tasks, { nowMs, ...grace }).length, count);
    });
  }

  it("leaves service tasks to their reconciler, stopped tasks and other instances' tasks alone", () => {
    const tasks = [aTask({ instance: "i1" }), standalone({ instance: "i1", status: "STOPPED" }), standalone({ instance: "i2" })];
    assert.deepEqual(lostStandaloneTasks(away(0), tasks, { nowMs: 1_000_000, ...grace }), []);
  });

  it("records them STOPPED for InfrastructureHealth with a reason naming the instance and the grace", () => {
    const [lost] = lostStandaloneTasks(away(0), [standalone({ instance: "i1" })], { nowMs: 50_000, ...grace });
    assert.equal(lost?.lastStatus, "STOPPED");
    assert.equal(lost?.spec.desiredStatus, "STOPPED");
    assert.equal(lost?.stopCode, "InfrastructureHealth");
    assert.equal(lost?.stoppedAtMs, 50_000);
    assert.equal(lost?.stoppedReason, "Berth: the agent of container instance i1 was disconnected for more than 15 seconds; the task was presumed lost.");
    assert.equal(lost?.version, 2);
  });
});
