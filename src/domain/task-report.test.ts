import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TaskReport } from "../agent-protocol/messages.js";
import { aTask } from "../state/store-builders.js";
import { applyReport } from "./task-report.js";

describe("applyReport: what a peer's report may put in the store", () => {
  const pending = aTask("t1", { lastStatus: "PENDING" });
  const task = { ...pending, spec: { ...pending.spec, containers: [{ name: "app", image: "busybox" }] } };
  const report = (over: Partial<TaskReport>): TaskReport => ({ taskArn: task.arn, status: "RUNNING", containers: [{ name: "app", status: "RUNNING", runtimeId: "abc" }], ...over });

  it("keeps the task's own containers once each, reasons cut to a message's length, and drops ids no engine makes", () => {
    const huge = "x".repeat(5_000_000);
    const next = applyReport(
      task,
      report({
        reason: huge,
        stopCode: huge,
        containers: [
          { name: "app", status: "RUNNING", runtimeId: huge, imageDigest: huge, reason: huge, networkBindings: Array.from({ length: 5000 }, (_, i) => ({ bindIP: "0.0.0.0", containerPort: 80, hostPort: 30000 + i, protocol: "tcp" as const })) },
          { name: "app", status: "STOPPED" },
          { name: "intruder", status: "RUNNING" },
        ],
      }),
      1000,
    );
    const known = next.known!;
    assert.deepEqual(known.containers.map((c) => [c.name, c.status]), [["app", "RUNNING"]]);
    assert.equal(known.containers[0]?.runtimeId, undefined);
    assert.equal(known.containers[0]?.imageDigest, undefined);
    assert.ok((known.containers[0]?.reason ?? "").length < 1100);
    assert.equal(known.containers[0]?.networkBindings?.length, 1000);
    assert.ok((known.reason ?? "").length < 1100);
    assert.equal(known.stopCode, undefined);
    assert.ok(JSON.stringify(next).length < 100_000, "megabytes in, kilobytes stored");
  });

  it("keeps an ordinary report as it came", () => {
    const r = report({ containers: [{ name: "app", status: "RUNNING", runtimeId: "f".repeat(64), imageDigest: `sha256:${"a".repeat(64)}`, networkBindings: [{ bindIP: "0.0.0.0", containerPort: 80, hostPort: 32768, protocol: "tcp" }] }] });
    assert.deepEqual(applyReport(task, r, 1000).known, r);
  });
});
