import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { BerthCluster, docker } from "./support/berth-cluster.js";
import { testPauseAgentEnv } from "./support/awsvpc-tasks.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";

/** pidMode and ipcMode on a real agent and Docker. */
describe("pidMode and ipcMode task: namespaces a task's containers share", () => {
  let cluster: BerthCluster;
  before(async () => {
    cluster = await BerthCluster.start({ name: "namespaces", agentEnv: testPauseAgentEnv });
  });
  after(() => cluster.stop());

  const namespaces = async (id: string): Promise<{ pid: string; ipc: string }> => {
    const [pid, ipc] = (await docker("exec", id, "sh", "-c", "readlink /proc/self/ns/pid; readlink /proc/self/ns/ipc")).trim().split("\n");
    return { pid: pid!, ipc: ipc! };
  };

  it("puts both containers in one process and IPC namespace: each sees the other's processes", async () => {
    const task = await cluster.runOne(
      {
        ...aTaskDefinition("shared-namespaces", [aContainer({ name: "app", command: ["sleep", "601"] }), aContainer({ name: "watcher", command: ["sleep", "602"] })]),
        pidMode: "task",
        ipcMode: "task",
      },
      (t) => t.lastStatus === "RUNNING",
      "the task RUNNING",
    );
    const [app, watcher] = ["app", "watcher"].map((name) => task.containers!.find((c) => c.name === name)!.runtimeId!);
    const [a, w] = [await namespaces(app!), await namespaces(watcher!)];
    assert.deepEqual(a, w, "one pid and one ipc namespace");
    const processes = await docker("exec", watcher!, "ps", "-o", "args");
    assert.match(processes, /sleep 601/, `the watcher sees the app's process:\n${processes}`);

    const alone = await cluster.runOne(aTaskDefinition("own-namespaces", [aContainer({ name: "app", command: ["sleep", "603"] })]), (t) => t.lastStatus === "RUNNING", "a task without them RUNNING");
    const own = await namespaces(alone.containers![0]!.runtimeId!);
    assert.notEqual(own.pid, a.pid, "another task has its own");
  });
});
