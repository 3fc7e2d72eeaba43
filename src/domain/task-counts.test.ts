import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runningAndPending, taskCountKey } from "./task-counts.js";

describe("a cluster's task counts", () => {
  it("keep FARGATE tasks apart from EC2 ones, so that each launch type's running and pending are known", () => {
    const counts = new Map<string, number>();
    const add = (launchType: string, status: string, n: number) => counts.set(taskCountKey(launchType, status), (counts.get(taskCountKey(launchType, status)) ?? 0) + n);
    add("EC2", "RUNNING", 3);
    add("EC2", "PENDING", 1);
    add("EXTERNAL", "RUNNING", 1);
    add("FARGATE", "RUNNING", 2);
    add("FARGATE", "PROVISIONING", 4);
    add("FARGATE", "ACTIVATING", 1);
    add("FARGATE", "DEACTIVATING", 5);
    assert.deepEqual(runningAndPending(counts, "EC2"), { running: 4, pending: 1 });
    assert.deepEqual(runningAndPending(counts, "FARGATE"), { running: 2, pending: 5 });
  });
});
