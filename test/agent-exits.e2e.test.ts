import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ContainerDefinition, type Task } from "@aws-sdk/client-ecs";
import { BerthCluster } from "./support/berth-cluster.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";

/** Acceptance: how container exits end (or do not end) a task, as DescribeTasks tells it. */
describe("agent: container exits", () => {
  let cluster: BerthCluster;

  before(async () => {
    cluster = await BerthCluster.start({ name: "agent-exits" });
  });
  after(() => cluster.stop());

  const run = (family: string, containers: ContainerDefinition[], until: (t: Task) => boolean, what: string): Promise<Task> =>
    cluster.runOne(aTaskDefinition(family, containers), until, what);
  const stopped = (t: Task) => t.lastStatus === "STOPPED";

  it("stops the task when its essential container exits with code 3", async () => {
    const task = await run("exit-three", [aContainer({ command: ["sh", "-c", "exit 3"] })], stopped, "the task STOPPED");
    assert.equal(task.stopCode, "EssentialContainerExited");
    assert.equal(task.stoppedReason, "Essential container in task exited");
    assert.equal(task.containers![0]!.lastStatus, "STOPPED");
    assert.equal(task.containers![0]!.exitCode, 3);
    assert.ok(task.stoppedAt instanceof Date);
  });

  it("names OutOfMemoryError when a container goes over its hard memory limit", async () => {
    const task = await run(
      "greedy",
      // dd's 64 MiB buffer is resident at once. The second's wait is for Docker, not us: a process
      // killed within milliseconds of its start can die before containerd has registered its OOM
      // listener on the cgroup (cgroup v1), and Docker 20.10 then reports OOMKilled false (about 1
      // run in 10 here). ECS reads the same flag, so it would miss such an OOM too.
      [aContainer({ memory: 16, command: ["sh", "-c", "sleep 1; exec dd if=/dev/zero of=/dev/null bs=64M count=1"] })],
      stopped,
      "the task STOPPED",
    );
    const c = task.containers![0]!;
    assert.match(c.reason ?? "", /^OutOfMemoryError/, JSON.stringify(task.containers));
    assert.equal(c.exitCode, 137);
    assert.equal(task.stopCode, "EssentialContainerExited");
    assert.equal(task.stoppedReason, "Essential container in task exited");
  });

  it("keeps the task RUNNING when a non-essential container exits, and shows that container STOPPED with its code", async () => {
    const task = await run(
      "with-sidecar",
      [aContainer({ name: "web" }), aContainer({ name: "sidecar", essential: false, command: ["sh", "-c", "sleep 1; exit 5"] })],
      (t) => t.lastStatus === "RUNNING" && t.containers?.find((c) => c.name === "sidecar")?.lastStatus === "STOPPED",
      "the task RUNNING with its sidecar STOPPED",
    );
    const byName = new Map(task.containers!.map((c) => [c.name, c]));
    assert.equal(byName.get("sidecar")!.exitCode, 5);
    assert.equal(byName.get("web")!.lastStatus, "RUNNING");
    assert.equal(task.desiredStatus, "RUNNING");
    // A sleep, named: a wrong stop would be the agent's own decision after the sidecar's exit, which
    // it makes no report of unless it does stop; there is no "decided to keep running" to wait on.
    await new Promise((r) => setTimeout(r, 1000));
    const [later] = await cluster.describeTasks([task.taskArn!]);
    assert.equal(later!.lastStatus, "RUNNING", "still RUNNING a moment later");
  });
});
