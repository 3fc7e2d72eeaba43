import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Task } from "@aws-sdk/client-ecs";
import { awslogsStreamOf, formatTaskLogs } from "./task-logs.js";

const task: Task = {
  taskArn: "arn:aws:ecs:us-east-1:123456789012:task/c/abc123",
  lastStatus: "STOPPED",
  stoppedReason: "Essential container in task exited",
  stopCode: "EssentialContainerExited",
  containers: [
    { name: "web", exitCode: 137, reason: "OutOfMemoryError: Container killed due to memory usage", runtimeId: "d0cker1d" },
    { name: "side", lastStatus: "STOPPED", runtimeId: "51de" },
  ],
};

describe("berth logs", () => {
  it("finds a container's stream as the agent names it", () => {
    const awslogs = (options: Record<string, string>) => ({ name: "web", logConfiguration: { logDriver: "awslogs" as const, options } });
    assert.deepEqual(awslogsStreamOf(awslogs({ "awslogs-group": "/g", "awslogs-stream-prefix": "p" }), task), { group: "/g", stream: "p/web/abc123" });
    assert.deepEqual(awslogsStreamOf(awslogs({ "awslogs-group": "/g" }), task), { group: "/g", stream: "d0cker1d" });
    assert.equal(awslogsStreamOf({ name: "web", logConfiguration: { logDriver: "json-file" } }, task), undefined);
  });

  it("prints why the task stopped, each container's exit and its last lines", () => {
    assert.equal(
      formatTaskLogs(task, [{ name: "web", lines: ["a", "b"] }, { name: "side" }]),
      [
        "task abc123 STOPPED: Essential container in task exited (EssentialContainerExited)",
        "container web: exit code 137 (OutOfMemoryError: Container killed due to memory usage)",
        "  a",
        "  b",
        "container side: STOPPED",
        "  (no awslogs log configuration: nothing shipped)",
        "",
      ].join("\n"),
    );
  });
});
