import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TaskSpec } from "../agent-protocol/messages.js";
import { DockerError } from "./docker/errors.js";
import { agentLabelKeys } from "./docker/naming.js";
import { aContainer, aTaskSpec, Host, startTask } from "./task-test-kit.js";
import { readyTaskVolumes, removeTaskVolumes, taskVolumeLabel, volumePlans } from "./task-volumes.js";

const mounting = (...volumes: string[]) => aContainer("app", { mountPoints: volumes.map((v) => ({ sourceVolume: v, containerPath: `/mnt/${v}` })) });

describe("volumePlans: what each mounted task volume is on Docker's side", () => {
  it("binds a host path, makes the task's own volume of an empty host volume, takes a Docker volume's scope, driver, options and labels", () => {
    const plans = volumePlans(
      [
        { name: "conf", host: { sourcePath: "/etc/app" } },
        { name: "scratch", host: {} },
        { name: "bare" },
        { name: "cache", dockerVolumeConfiguration: { driver: "local", driverOpts: { type: "tmpfs", device: "tmpfs" }, labels: { team: "a" } } },
        { name: "db", dockerVolumeConfiguration: { scope: "shared", autoprovision: true } },
      ],
      [mounting("conf", "scratch", "bare", "cache", "db")],
    );
    assert.deepEqual(plans, [
      { kind: "bind", name: "conf", hostPath: "/etc/app" },
      { kind: "task", name: "scratch", autoprovision: false, driver: "local", driverOpts: {}, labels: {} },
      { kind: "task", name: "bare", autoprovision: false, driver: "local", driverOpts: {}, labels: {} },
      { kind: "task", name: "cache", autoprovision: false, driver: "local", driverOpts: { type: "tmpfs", device: "tmpfs" }, labels: { team: "a" } },
      { kind: "shared", name: "db", autoprovision: true, driver: "local", driverOpts: {}, labels: {} },
    ]);
  });

  it("leaves out volumes no container mounts, and names the kinds a host cannot make", () => {
    const plans = volumePlans(
      [{ name: "unused", host: {} }, { name: "efs", efsVolumeConfiguration: { fileSystemId: "fs-1" } }, { name: "ebs", configuredAtLaunch: true }],
      [mounting("efs", "ebs")],
    );
    assert.deepEqual(plans, [
      { kind: "unsupported", name: "efs", what: "EFS volumes" },
      { kind: "unsupported", name: "ebs", what: "volumes configured at launch (Amazon EBS)" },
    ]);
  });
});

describe("readyTaskVolumes and removeTaskVolumes on an engine", () => {
  const spec = (volumes: TaskSpec["volumes"], taskArn = aTaskSpec().taskArn): TaskSpec =>
    aTaskSpec({ taskArn, volumes, containers: [mounting(...volumes.map((v) => v.name!))] });
  const refusal = async (p: Promise<unknown>): Promise<string> => {
    const err = await p.then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof DockerError, `expected a DockerError, got ${String(err)}`);
    return err.reason;
  };

  it("makes the task's own volume as the ECS agent names it, labelled with its task, whatever labels the definition tries", async () => {
    const { docker } = new Host();
    const s = spec([{ name: "cache", dockerVolumeConfiguration: { labels: { team: "a", [agentLabelKeys.taskArn]: "arn:other" } } }]);
    const sources = await readyTaskVolumes(docker, s, { matchSharedConfig: false });
    const source = sources["cache"];
    assert.equal(source?.type, "volume");
    const name = source.type === "volume" ? source.dockerVolumeName : "";
    assert.match(name, /^ecs-web-3-cache-[0-9a-f]{20}$/);
    assert.deepEqual(docker.volumes.get(name)?.Labels, { team: "a", [agentLabelKeys.taskArn]: s.taskArn, [taskVolumeLabel]: "cache" });
  });

  it("finds the volumes it made again (an agent restarted before the containers were created) instead of making others", async () => {
    const { docker } = new Host();
    const s = spec([{ name: "scratch", host: {} }]);
    const first = await readyTaskVolumes(docker, s, { matchSharedConfig: false });
    const again = await readyTaskVolumes(docker, s, { matchSharedConfig: false });
    assert.deepEqual(again, first);
    assert.equal(docker.calls.filter((c) => c.op === "create-volume").length, 1);
  });

  it("keeps no label of the agent's own from a task definition: a shared volume cannot pass for a task's and go with it", async () => {
    const { docker } = new Host();
    const other = "arn:aws:ecs:us-east-1:123456789012:task/default/ffffffffffffffffffffffffffffffff";
    const posing = spec([{ name: "data", dockerVolumeConfiguration: { scope: "shared", autoprovision: true, labels: { [agentLabelKeys.taskArn]: other, [taskVolumeLabel]: "x", team: "a" } } }]);
    await readyTaskVolumes(docker, posing, { matchSharedConfig: false });
    assert.deepEqual(docker.volumes.get("data")?.Labels, { team: "a" });
    await removeTaskVolumes(docker, other);
    assert.ok(docker.volumes.has("data"));
  });

  it("shared: refuses a missing volume without autoprovision, makes it with autoprovision, and uses one that exists", async () => {
    const { docker } = new Host();
    const missing = spec([{ name: "data", dockerVolumeConfiguration: { scope: "shared", autoprovision: false } }]);
    assert.equal(await refusal(readyTaskVolumes(docker, missing, { matchSharedConfig: false })), "CannotCreateVolumeError: volume 'data' does not exist and autoprovision is set to false");
    assert.equal(docker.volumes.size, 0);

    const provisioned = spec([{ name: "data", dockerVolumeConfiguration: { scope: "shared", autoprovision: true, labels: { keep: "yes" } } }]);
    assert.deepEqual(await readyTaskVolumes(docker, provisioned, { matchSharedConfig: false }), { data: { type: "volume", dockerVolumeName: "data" } });
    assert.deepEqual(docker.volumes.get("data")?.Labels, { keep: "yes" }, "a shared volume carries no task's label: it outlives the task");
    assert.deepEqual(await readyTaskVolumes(docker, missing, { matchSharedConfig: false }), { data: { type: "volume", dockerVolumeName: "data" } });
    assert.equal(docker.calls.filter((c) => c.op === "create-volume").length, 1);
  });

  it("ECS_SHARED_VOLUME_MATCH_FULL_CONFIG: a shared volume with other labels or options is refused, saying which", async () => {
    const { docker } = new Host();
    await docker.createVolume({ Name: "data", Driver: "local", DriverOpts: { o: "1" }, Labels: { keep: "yes" } });
    const asking = (labels: Record<string, string>, driverOpts: Record<string, string>) =>
      spec([{ name: "data", dockerVolumeConfiguration: { scope: "shared", autoprovision: true, labels, driverOpts } }]);
    assert.match(await refusal(readyTaskVolumes(docker, asking({ keep: "no" }, { o: "1" }), { matchSharedConfig: true })), /other labels: existing \{"keep":"yes"\}, expected \{"keep":"no"\}/);
    assert.match(await refusal(readyTaskVolumes(docker, asking({ keep: "yes" }, {}), { matchSharedConfig: true })), /other driver options: existing \{"o":"1"\}, expected \{\}/);
    await readyTaskVolumes(docker, asking({ keep: "yes" }, { o: "1" }), { matchSharedConfig: true });
    await readyTaskVolumes(docker, asking({ keep: "no" }, {}), { matchSharedConfig: false });
  });

  it("removes the task's own volumes only: shared ones and other tasks' stay", async () => {
    const { docker } = new Host();
    const other = "arn:aws:ecs:us-east-1:123456789012:task/default/ffffffffffffffffffffffffffffffff";
    const volumes = [{ name: "scratch", host: {} }, { name: "data", dockerVolumeConfiguration: { scope: "shared" as const, autoprovision: true } }];
    await readyTaskVolumes(docker, spec(volumes), { matchSharedConfig: false });
    const othersOwn = await readyTaskVolumes(docker, spec(volumes, other), { matchSharedConfig: false });
    await removeTaskVolumes(docker, aTaskSpec().taskArn);
    const othersName = othersOwn["scratch"]?.type === "volume" ? othersOwn["scratch"].dockerVolumeName : "";
    assert.deepEqual([...docker.volumes.keys()].sort(), ["data", othersName].sort());
  });
});

describe("a task's volumes through its actor", () => {
  it("mounts one volume of the task into both containers that name it, and removes it at clean-up", async () => {
    const host = new Host();
    const spec = aTaskSpec({
      volumes: [{ name: "shared-dir", host: {} }, { name: "conf", host: { sourcePath: "/etc/app" } }],
      containers: [
        aContainer("writer", { mountPoints: [{ sourceVolume: "shared-dir", containerPath: "/out" }, { sourceVolume: "conf", containerPath: "/conf", readOnly: true }] }),
        aContainer("reader", { mountPoints: [{ sourceVolume: "shared-dir", containerPath: "/in", readOnly: true }] }),
      ],
    });
    const { actor, done } = await startTask(spec, host);
    assert.equal(host.last().status, "RUNNING");
    const [volume] = [...host.docker.volumes.keys()];
    assert.deepEqual(host.docker.specOf("writer")?.HostConfig.Mounts, [{ Type: "volume", Source: volume, Target: "/out", ReadOnly: false }]);
    assert.deepEqual(host.docker.specOf("writer")?.HostConfig.Binds, ["/etc/app:/conf:ro"]);
    assert.deepEqual(host.docker.specOf("reader")?.HostConfig.Mounts, [{ Type: "volume", Source: volume, Target: "/in", ReadOnly: true }]);

    actor.desire({ ...spec, desiredStatus: "STOPPED" });
    await host.settle(() => [actor]);
    assert.equal(host.docker.volumes.size, 1, "the volume stays while the stopped containers do");
    await actor.cleanUp();
    done();
    assert.equal(host.docker.volumes.size, 0);
  });

  it("fails to start, saying why, when a shared volume it needs is missing, and creates no container", async () => {
    const host = new Host();
    const spec = aTaskSpec({ volumes: [{ name: "data", dockerVolumeConfiguration: { scope: "shared" } }], containers: [mounting("data")] });
    const { done } = await startTask(spec, host);
    done();
    const report = host.last();
    assert.equal(report.status, "STOPPED");
    assert.equal(report.stopCode, "TaskFailedToStart");
    assert.equal(report.reason, "CannotCreateVolumeError: volume 'data' does not exist and autoprovision is set to false");
    assert.deepEqual(host.calls("create"), []);
  });
});
