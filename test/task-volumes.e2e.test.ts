import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { RunTaskCommand, StopTaskCommand, type Task } from "@aws-sdk/client-ecs";
import { BerthCluster, docker } from "./support/berth-cluster.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";
import { until } from "./support/until.js";

/** Task volumes on a real agent and Docker: binds, the task's own volumes, shared volumes. */
describe("task volumes on real Docker", () => {
  let cluster: BerthCluster;
  const hostDir = mkdtempSync(join(tmpdir(), "berth-volumes-"));
  const shared = `berth-e2e-${randomBytes(4).toString("hex")}`;
  const taskArns: string[] = [];
  const volumesOf = async (taskArn: string): Promise<string[]> =>
    (await docker("volume", "ls", "-q", "--filter", `label=com.amazonaws.ecs.task-arn=${taskArn}`)).split("\n").filter((l) => l !== "");

  before(async () => {
    // Stopped tasks are cleaned up (containers, then their own volumes) 2 s after they stop.
    cluster = await BerthCluster.start({ name: "volumes", agentEnv: { ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION: "2s" } });
  });
  after(async () => {
    await cluster.stop();
    for (const arn of taskArns) for (const v of await volumesOf(arn)) await docker("volume", "rm", "-f", v);
    await docker("volume", "rm", "-f", shared);
    rmSync(hostDir, { recursive: true, force: true });
  });

  const start = async (family: string, definition: Parameters<BerthCluster["register"]>[0]): Promise<string> => {
    const taskDefinition = await cluster.register({ ...definition, family });
    const out = await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition }));
    const arn = out.tasks?.[0]?.taskArn;
    assert.ok(arn, `no task started: ${JSON.stringify(out.failures)}`);
    taskArns.push(arn);
    return arn;
  };
  const settled = async (arn: string, what: string, done: (t: Task) => boolean): Promise<Task> => (await cluster.waitForTasks([arn], done, 30_000, what))[0]!;
  const container = (t: Task, name: string) => t.containers!.find((c) => c.name === name)!;

  it("shares the task's own empty volume between its containers, binds a host path, and removes the volume with the task", async () => {
    const arn = await start(`volumes-${cluster.name}`, {
      ...aTaskDefinition("", [
        aContainer({
          name: "writer",
          essential: false,
          command: ["sh", "-c", "echo hello > /out/greeting && echo from-task > /host/written"],
          mountPoints: [{ sourceVolume: "scratch", containerPath: "/out" }, { sourceVolume: "host-dir", containerPath: "/host" }],
        }),
        aContainer({
          name: "reader",
          command: ["sleep", "600"],
          dependsOn: [{ containerName: "writer", condition: "SUCCESS" }],
          mountPoints: [{ sourceVolume: "scratch", containerPath: "/in", readOnly: true }],
        }),
      ]),
      volumes: [{ name: "scratch", host: {} }, { name: "host-dir", host: { sourcePath: hostDir } }],
    });
    const task = await settled(arn, "the reader RUNNING after the writer exited 0", (t) => t.lastStatus === "RUNNING");
    assert.equal(container(task, "writer").exitCode, 0);
    const reader = container(task, "reader").runtimeId!;

    assert.equal((await docker("exec", reader, "cat", "/in/greeting")).trim(), "hello", "the reader sees what the writer wrote in the task's volume");
    await assert.rejects(docker("exec", reader, "touch", "/in/x"), /Read-only file system/, "a readOnly mount point is read-only");
    assert.equal(readFileSync(join(hostDir, "written"), "utf8").trim(), "from-task", "the host path was bound");

    const own = await volumesOf(arn);
    assert.equal(own.length, 1, `the task's own volumes: ${own.join(", ")}`);
    assert.match(own[0]!, new RegExp(`^ecs-volumes-${cluster.name}-1-scratch-[0-9a-f]{20}$`));
    const metadata = JSON.parse(await docker("exec", reader, "sh", "-c", 'wget -qO- "$ECS_CONTAINER_METADATA_URI_V4"')) as { Volumes?: Array<{ DockerName?: string; Destination: string }> };
    assert.deepEqual(metadata.Volumes?.map((v) => [v.DockerName, v.Destination]), [[own[0], "/in"]], "the metadata endpoint names the container's volume");

    await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: arn }));
    await settled(arn, "the task STOPPED", (t) => t.lastStatus === "STOPPED");
    await until("the task's volume removed at clean-up", async () => ((await volumesOf(arn)).length === 0 ? true : undefined), { timeoutMs: 30_000 });
  });

  it("keeps a shared volume that autoprovision made across tasks, and after them", async () => {
    const definition = (command: string) => ({
      ...aTaskDefinition("", [aContainer({ name: "app", command: ["sh", "-c", command], mountPoints: [{ sourceVolume: shared, containerPath: "/data" }] })]),
      volumes: [{ name: shared, dockerVolumeConfiguration: { scope: "shared" as const, autoprovision: true, labels: { purpose: "e2e" } } }],
    });
    const first = await start(`keeper-${cluster.name}`, definition("echo kept > /data/value"));
    const wrote = await settled(first, "the first task STOPPED", (t) => t.lastStatus === "STOPPED");
    assert.equal(container(wrote, "app").exitCode, 0, wrote.stoppedReason);
    const second = await start(`keeper-${cluster.name}`, definition('test "$(cat /data/value)" = kept'));
    const read = await settled(second, "the second task STOPPED", (t) => t.lastStatus === "STOPPED");
    assert.equal(container(read, "app").exitCode, 0, "the second task read what the first wrote");

    await until("both tasks' containers cleaned up", async () => ((await cluster.containerIds()).length === 0 ? true : undefined), { timeoutMs: 30_000 });
    const kept = JSON.parse(await docker("volume", "inspect", shared)) as Array<{ Labels: Record<string, string> }>;
    assert.deepEqual(kept[0]?.Labels, { purpose: "e2e" }, "the shared volume stays, with its own labels only");
  });

  it("stops a task whose shared volume is missing without autoprovision, and says which", async () => {
    const arn = await start(`needs-${cluster.name}`, {
      ...aTaskDefinition("", [aContainer({ name: "app", command: ["true"], mountPoints: [{ sourceVolume: "absent", containerPath: "/data" }] })]),
      volumes: [{ name: "absent", dockerVolumeConfiguration: { scope: "shared", autoprovision: false } }],
    });
    const task = await settled(arn, "the task STOPPED", (t) => t.lastStatus === "STOPPED");
    assert.equal(task.stopCode, "TaskFailedToStart");
    assert.equal(task.stoppedReason, "CannotCreateVolumeError: volume 'absent' does not exist and autoprovision is set to false");
    assert.equal((await docker("volume", "ls", "-q", "--filter", "name=^absent$")).trim(), "", "no volume was made");
  });
});
