import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TaskSpec } from "../agent-protocol/messages.js";
import { manifestDigestOf } from "./docker/in-memory-docker.js";
import { TaskManager, type TaskManagerOptions } from "./task-manager.js";
import { aContainer, aTaskSpec, Host } from "./task-test-kit.js";

const managers: TaskManager[] = [];
afterEach(() => managers.splice(0).forEach((m) => m.stop()));

/** An agent process on the host: its own actors and port allocator, the host's Docker engine. */
function anAgent(host: Host, over: Partial<TaskManagerOptions> = {}): TaskManager {
  const manager = new TaskManager({ ...host.deps(), cleanupWaitMs: 3 * 3_600_000, ...over });
  managers.push(manager);
  return manager;
}

const settle = (host: Host, manager: TaskManager) => host.settle(() => [...manager.actors.values()]);

const twoContainers = aTaskSpec({ containers: [aContainer("app", { portMappings: [{ containerPort: 80 }] }), aContainer("sidecar", { essential: false })] });

/** Runs the task on a first agent until RUNNING, then that agent goes away (its containers stay). */
async function runThenRestart(spec: TaskSpec = twoContainers): Promise<{ host: Host; runtimeIds: Array<string | undefined> }> {
  const host = new Host();
  const first = anAgent(host);
  await first.adopt();
  first.watchDocker();
  first.apply([spec], true);
  await settle(host, first);
  assert.equal(host.last(spec.taskArn).status, "RUNNING");
  first.stop();
  return { host, runtimeIds: host.last(spec.taskArn).containers.map((c) => c.runtimeId) };
}

/** The agent comes back: adopts what Docker has, watches events, gets the server's manifest (the task was created before). */
async function comeBack(host: Host, specs: readonly TaskSpec[] = [{ ...twoContainers, created: true }]): Promise<TaskManager> {
  const agent = anAgent(host);
  await agent.adopt();
  agent.watchDocker();
  agent.apply(specs, true);
  await settle(host, agent);
  return agent;
}

describe("task manager: Docker events reach the task's actor", () => {
  it("an essential exit stops the task and reports each exit code", async () => {
    const host = new Host();
    const agent = anAgent(host);
    agent.watchDocker();
    agent.apply([twoContainers], true);
    await settle(host, agent);
    host.docker.exit("app", 42);
    await settle(host, agent);
    const last = host.last();
    assert.deepEqual(host.statuses(), ["PENDING", "RUNNING", "STOPPED"]);
    assert.equal(last.stopCode, "EssentialContainerExited");
    assert.deepEqual(last.containers.map((c) => [c.name, c.status, c.exitCode]), [["app", "STOPPED", 42], ["sidecar", "STOPPED", 143]]);
  });

  it("a task the server no longer lists is stopped", async () => {
    const host = new Host();
    const agent = anAgent(host);
    agent.watchDocker();
    agent.apply([twoContainers], true);
    await settle(host, agent);
    agent.apply([], true);
    await settle(host, agent);
    assert.equal(host.last().status, "STOPPED");
    assert.equal(host.last().reason, "Task is not wanted on this instance any more");
    assert.deepEqual(host.calls("stop").sort(), ["app", "sidecar"]);
  });

  it("a payload that is not the complete list leaves other tasks alone", async () => {
    const host = new Host();
    const agent = anAgent(host);
    agent.apply([twoContainers], true);
    await settle(host, agent);
    agent.apply([], false);
    await settle(host, agent);
    assert.equal(host.last().status, "RUNNING");
  });
});

describe("task manager: after an agent restart", () => {
  it("re-attaches to its labelled containers without creating new ones", async () => {
    const { host, runtimeIds } = await runThenRestart();
    const creates = host.calls("create").length;
    const agent = await comeBack(host);

    assert.equal(host.calls("create").length, creates, "no container is created again");
    assert.deepEqual(host.calls("start").length, 2, "nor started again");
    assert.equal(host.docker.size, 2);
    const task = agent.knownTasks()[0];
    assert.equal(task?.status, "RUNNING");
    assert.deepEqual(task.containers.map((c) => c.runtimeId), runtimeIds);
    assert.equal(task.containers.find((c) => c.name === "app")?.networkBindings?.length, 1, "its bindings are known again");

    assert.deepEqual(task.containers.map((c) => c.imageDigest), [manifestDigestOf("berth-test:latest"), manifestDigestOf("berth-test:latest")], "the manifest digests of the images they run");

    host.docker.exit("app", 3);
    await settle(host, agent);
    assert.equal(host.last().status, "STOPPED", "events of adopted containers reach their actor");
    assert.equal(host.last().containers.find((c) => c.name === "app")?.exitCode, 3);
  });

  it("takes back a task's namespace pause container (pidMode task) as that, not as a container of the task, and removes it at clean-up", async () => {
    const shared: TaskSpec = { ...twoContainers, pidMode: "task" };
    const { host } = await runThenRestart(shared);
    const agent = await comeBack(host, [{ ...shared, created: true }]);
    assert.deepEqual(agent.knownTasks()[0]?.containers.map((c) => c.name).sort(), ["app", "sidecar"]);
    assert.equal(host.docker.size, 3);
    const pause = host.calls("start").find((name) => name.includes("internalecspausenamespace"))!;
    host.docker.exit("app", 1);
    await settle(host, agent);
    assert.equal(host.docker.stateOf(pause), "exited", "the task's stop stopped its adopted pause container");
    await agent.actors.get(shared.taskArn)!.cleanUp();
    assert.equal(host.docker.size, 0, "the pause container went with the task's containers");
  });

  it("does not adopt another agent's containers on the same engine", async () => {
    const { host } = await runThenRestart();
    const other = anAgent(host, { containerInstanceArn: "arn:aws:ecs:us-east-1:123456789012:container-instance/default/other" });
    await other.adopt();
    assert.equal(other.actors.size, 0);
  });

  it("a container that exited while the agent was away stops its task when the agent is back", async () => {
    const { host } = await runThenRestart();
    host.docker.exit("app", 9);
    await comeBack(host);
    assert.equal(host.last().status, "STOPPED");
    assert.equal(host.last().stopCode, "EssentialContainerExited");
    assert.equal(host.last().containers.find((c) => c.name === "app")?.exitCode, 9);
  });

  const vanished: ReadonlyArray<{ what: string; gone: string[]; status: string; vanishedReasons: string[] }> = [
    { what: "every container vanished: STOPPED with ContainerVanishedError", gone: ["app", "sidecar"], status: "STOPPED", vanishedReasons: ["app", "sidecar"] },
    { what: "the essential container vanished: STOPPED", gone: ["app"], status: "STOPPED", vanishedReasons: ["app"] },
  ];
  for (const c of vanished) {
    it(c.what, async () => {
      const { host } = await runThenRestart();
      const creates = host.calls("create").length;
      for (const name of c.gone) host.docker.vanish(name);
      await comeBack(host);
      assert.equal(host.calls("create").length, creates, "vanished containers are never created again");
      assert.equal(host.last().status, c.status);
      for (const name of c.vanishedReasons) {
        assert.match(host.last().containers.find((x) => x.name === name)?.reason ?? "", /^ContainerVanishedError: /, name);
      }
    });
  }
});

describe("task manager: clean-up", () => {
  it("removes a stopped task's containers after the cleanup wait, not before", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const host = new Host();
    const agent = anAgent(host, { cleanupWaitMs: 60_000 });
    agent.apply([twoContainers], true);
    await settle(host, agent);
    agent.apply([{ ...twoContainers, desiredStatus: "STOPPED" }], true);
    await settle(host, agent);
    assert.equal(host.last().status, "STOPPED");

    t.mock.timers.tick(59_999);
    await settle(host, agent);
    assert.deepEqual(host.calls("remove"), []);
    assert.equal(agent.actors.size, 1);

    t.mock.timers.tick(1);
    await settle(host, agent);
    await host.settle(() => []);
    assert.deepEqual(host.calls("remove").sort(), ["app", "sidecar"]);
    assert.equal(host.docker.size, 0);
    assert.equal(agent.actors.size, 0, "the task is forgotten");
  });
});


describe("task manager: an awsvpc task across an agent restart", () => {
  const awsvpc = aTaskSpec({
    networkMode: "awsvpc",
    containers: [aContainer("app", { portMappings: [{ containerPort: 80 }] })],
    awsvpc: { attachmentId: "att-1", subnet: "subnet-a", securityGroups: [], assignPublicIp: "DISABLED" },
  });

  it("keeps the task's namespace and reports its address again, without a second pause container", async () => {
    const { host } = await runThenRestart(awsvpc);
    const before = host.last(awsvpc.taskArn).eni;
    assert.ok(before?.privateIPv4Address, "the first agent reported the address");
    const pauses = () => host.docker.calls.filter((c) => c.op === "create" && c.target.includes("internalecspause")).length;
    assert.equal(pauses(), 1);
    const agent = await comeBack(host, [{ ...awsvpc, created: true }]);
    // What the agent's hello tells the server after the restart.
    assert.deepEqual(agent.actors.get(awsvpc.taskArn)!.toReport().eni, before);
    assert.equal(pauses(), 1, "no new namespace for a running task");
  });
});
