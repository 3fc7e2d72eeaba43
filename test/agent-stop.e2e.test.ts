import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { RunTaskCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import { BerthCluster, cleanupWaitSeconds, inspect } from "./support/berth-cluster.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";
import { until } from "./support/until.js";

/** Acceptance: StopTask on a real agent, with and without a reason, and the cleanup of stopped containers. */
describe("agent: StopTask", () => {
  let cluster: BerthCluster;
  let family: string;

  before(async () => {
    cluster = await BerthCluster.start({ name: "agent-stop" });
    family = await cluster.register(aTaskDefinition("stoppable", [aContainer({ name: "web", portMappings: [{ containerPort: 80 }] })]));
  });
  after(() => cluster.stop());

  const runOne = async (): Promise<string> => {
    const out = await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: family }));
    const arn = out.tasks?.[0]?.taskArn ?? assert.fail(`no task started: ${JSON.stringify(out.failures)}`);
    await cluster.waitForTasks([arn], (t) => t.lastStatus === "RUNNING", 20_000, "the task RUNNING");
    return arn;
  };

  it("stops a task with the user's reason: STOPPED, UserInitiated, stoppingAt and stoppedAt set", async () => {
    const arn = await runOne();
    const stopped = await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: arn, reason: "e2e: no longer needed" }));
    assert.equal(stopped.task?.desiredStatus, "STOPPED");
    assert.equal(stopped.task?.stoppedReason, "e2e: no longer needed");
    const [task] = await cluster.waitForTasks([arn], (t) => t.lastStatus === "STOPPED", 15_000, "the task STOPPED");
    assert.equal(task!.stopCode, "UserInitiated");
    assert.equal(task!.stoppedReason, "e2e: no longer needed");
    assert.ok(task!.stoppingAt instanceof Date && task!.stoppedAt instanceof Date);
    assert.ok(task!.stoppingAt <= task!.stoppedAt, "stoppingAt comes before stoppedAt");
    assert.ok(task!.executionStoppedAt instanceof Date);
    const container = task!.containers![0]!;
    assert.equal(container.lastStatus, "STOPPED");
    assert.equal(container.exitCode, 0, "the test image's httpd exits 0 on SIGTERM");
  });

  it("says 'Task stopped by user' when StopTask gives no reason", async () => {
    const arn = await runOne();
    await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: arn }));
    const [task] = await cluster.waitForTasks([arn], (t) => t.lastStatus === "STOPPED", 15_000, "the task STOPPED");
    assert.equal(task!.stopCode, "UserInitiated");
    assert.equal(task!.stoppedReason, "Task stopped by user");
  });

  it("keeps the stopped container until the cleanup wait is over, then removes it", async () => {
    const arn = await runOne();
    const [running] = await cluster.describeTasks([arn]);
    const dockerId = running!.containers![0]!.runtimeId!;
    await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: arn, reason: "cleanup check" }));
    await cluster.waitForTasks([arn], (t) => t.lastStatus === "STOPPED", 15_000, "the task STOPPED");
    assert.equal((await inspect(dockerId)).State.Status, "exited", "still there right after the stop");
    await until("the container removed after the cleanup wait", async () => ((await cluster.containerIds()).includes(dockerId) ? undefined : true), { timeoutMs: (cleanupWaitSeconds + 10) * 1000 });
    const [after] = await cluster.describeTasks([arn]);
    assert.equal(after!.lastStatus, "STOPPED", "the task stays describable after its containers are gone");
  });
});
