import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ContainerDefinition, type Task } from "@aws-sdk/client-ecs";
import { BerthCluster, inspect } from "./support/berth-cluster.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";

/** Acceptance: container dependencies (dependsOn) on a real agent. */
describe("agent: dependsOn", () => {
  let cluster: BerthCluster;

  before(async () => {
    cluster = await BerthCluster.start({ name: "agent-depends" });
  });
  after(() => cluster.stop());

  const run = (family: string, containers: ContainerDefinition[], until: (t: Task) => boolean, what: string): Promise<Task> =>
    cluster.runOne(aTaskDefinition(family, containers), until, what);
  const initThen = (initCommand: string): ContainerDefinition[] => [
    aContainer({ name: "init", essential: false, command: ["sh", "-c", initCommand] }),
    aContainer({ name: "app", dependsOn: [{ containerName: "init", condition: "SUCCESS" }] }),
  ];

  it("starts the app only after its init container exited 0 (condition SUCCESS)", async () => {
    const task = await run("init-ok", initThen("sleep 2; exit 0"), (t) => t.lastStatus === "RUNNING", "the task RUNNING");
    const byName = new Map(task.containers!.map((c) => [c.name, c]));
    assert.equal(byName.get("init")!.lastStatus, "STOPPED");
    assert.equal(byName.get("init")!.exitCode, 0);
    assert.equal(byName.get("app")!.lastStatus, "RUNNING");
    const init = await inspect(byName.get("init")!.runtimeId!);
    const app = await inspect(byName.get("app")!.runtimeId!);
    assert.ok(Date.parse(app.State.StartedAt) >= Date.parse(init.State.FinishedAt), `app started ${app.State.StartedAt}, init finished ${init.State.FinishedAt}`);
    assert.ok(Date.parse(init.State.FinishedAt) - Date.parse(init.State.StartedAt) >= 1900, "init ran its two seconds");
  });

  it("stops the task when a dependency is not healthy within its startTimeout, and says so", async () => {
    const slowDb = aContainer({ name: "db", command: ["sleep", "600"], startTimeout: 3, healthCheck: { command: ["CMD-SHELL", "exit 1"], interval: 5, retries: 10, startPeriod: 60 } });
    const app = aContainer({ name: "app", dependsOn: [{ containerName: "db", condition: "HEALTHY" }] });
    const task = await run("db-too-slow", [slowDb, app], (t) => t.lastStatus === "STOPPED", "the task STOPPED");
    assert.equal(task.stopCode, "TaskFailedToStart");
    assert.equal(task.stoppedReason, "TaskDependencyError: dependency graph cannot be resolved: container app needs db to healthy within its startTimeout (3 s), and it did not");
    // Within runOne's 20 s: the db's start period alone keeps it from being unhealthy for 60 s.
    const appId = task.containers!.find((c) => c.name === "app")!.runtimeId;
    if (appId !== undefined) assert.equal((await inspect(appId)).State.Status, "created", "the app was created but never started");
  });

  it("stops the task and says why when the init container exits 1", async () => {
    const task = await run("init-fails", initThen("exit 1"), (t) => t.lastStatus === "STOPPED", "the task STOPPED");
    const byName = new Map(task.containers!.map((c) => [c.name, c]));
    assert.equal(byName.get("init")!.exitCode, 1);
    assert.equal(byName.get("app")!.lastStatus, "STOPPED");
    const appId = byName.get("app")!.runtimeId;
    if (appId !== undefined) assert.equal((await inspect(appId)).State.Status, "created", "the app was created but never started");
    assert.equal(task.stopCode, "TaskFailedToStart");
    assert.match(task.stoppedReason ?? "", /^TaskDependencyError/);
    assert.match(task.stoppedReason ?? "", /init/);
    assert.match(byName.get("app")!.reason ?? "", /^TaskDependencyError/, "the app's own reason names the dependency");
  });
});
