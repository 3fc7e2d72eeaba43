import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { BerthCluster, docker, sleep } from "./support/berth-cluster.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";

/** A task whose containers were removed while its agent was down is reported STOPPED, not started again. */
describe("agent: containers removed while the agent was down", () => {
  let cluster: BerthCluster;
  before(async () => {
    cluster = await BerthCluster.start({ name: "agent-vanished" });
  });
  after(() => cluster.stop());

  it("reports the task STOPPED with ContainerVanishedError and creates no new container", async () => {
    const task = await cluster.runOne(aTaskDefinition("vanishing", [aContainer({ name: "web" })]), (t) => t.lastStatus === "RUNNING", "RUNNING");
    const runtimeId = task.containers?.[0]?.runtimeId ?? assert.fail("no container id");
    const [agent] = cluster.agents;
    await agent!.kill("SIGKILL");
    await docker("rm", "-f", runtimeId);
    await agent!.start();
    const [stopped] = await cluster.waitForTasks([task.taskArn!], (t) => t.lastStatus === "STOPPED", 20_000, "the task STOPPED");
    assert.match(stopped!.stoppedReason ?? "", /vanished/);
    assert.match(stopped!.containers?.[0]?.reason ?? "", /^ContainerVanishedError: /);
    // A sleep, named: a wrong re-creation would follow the manifest the agent acknowledges only to the
    // server; nothing outside the two processes shows that acknowledgement yet.
    await sleep(1_000);
    const left = await docker("ps", "-aq", "--filter", `label=com.amazonaws.ecs.task-arn=${task.taskArn!}`);
    assert.equal(left.trim(), "", "no container was created again for the task");
  });

  it("stops the rest of a task one of whose essential containers was removed, and creates nothing again", async () => {
    const task = await cluster.runOne(
      aTaskDefinition("half-vanishing", [aContainer({ name: "web" }), aContainer({ name: "sidecar" })]),
      (t) => t.lastStatus === "RUNNING",
      "RUNNING",
    );
    const byName = new Map((task.containers ?? []).map((c) => [c.name, c.runtimeId ?? ""]));
    const [agent] = cluster.agents;
    await agent!.kill("SIGKILL");
    await docker("rm", "-f", byName.get("web")!);
    await agent!.start();
    const [stopped] = await cluster.waitForTasks([task.taskArn!], (t) => t.lastStatus === "STOPPED", 20_000, "the task STOPPED");
    assert.match(stopped!.stoppedReason ?? "", /vanished/);
    const containers = new Map((stopped!.containers ?? []).map((c) => [c.name, c]));
    assert.match(containers.get("web")?.reason ?? "", /^ContainerVanishedError: /);
    assert.equal(containers.get("sidecar")?.lastStatus, "STOPPED");
    const running = await docker("ps", "-q", "--filter", `label=com.amazonaws.ecs.task-arn=${task.taskArn!}`);
    assert.equal(running.trim(), "", "the surviving container was stopped and nothing was created again");
  });
});
