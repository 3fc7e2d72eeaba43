import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { aContainer, aTaskSpec, startTask } from "./task-test-kit.js";
import { namespaceOfLabel } from "./task-shared-namespaces.js";

const isPause = (name: string): boolean => /^ecs-web-3-internalecspausenamespace-[0-9a-f]{20}$/.test(name);

describe("pidMode and ipcMode task: the namespaces a task's containers share", () => {
  const spec = aTaskSpec({ pidMode: "task", ipcMode: "task", containers: [aContainer("app"), aContainer("sidecar")] });

  it("starts a namespace pause container first, without a network, its IPC shareable, and the containers join it", async () => {
    const { host, done } = await startTask(spec);
    done();
    assert.equal(host.last().status, "RUNNING");
    const starts = host.calls("start");
    assert.equal(starts.length, 3);
    assert.ok(isPause(starts[0]!), `the pause container starts first: ${starts.join(", ")}`);
    const pause = host.docker.specOf(starts[0]!)!;
    assert.equal(pause.Labels[namespaceOfLabel], spec.taskArn);
    assert.deepEqual([pause.HostConfig.NetworkMode, pause.HostConfig.IpcMode], ["none", "shareable"]);
    for (const name of ["app", "sidecar"]) {
      const h = host.docker.specOf(name)!.HostConfig;
      assert.deepEqual([h.PidMode, h.IpcMode, h.NetworkMode], [`container:${starts[0]}`, `container:${starts[0]}`, "bridge"]);
    }
    assert.deepEqual(host.last().containers.map((c) => c.name), ["app", "sidecar"], "the pause container is no container of the task's");
  });

  it("shares only what is asked: pidMode task alone leaves IPC private", async () => {
    const { host, done } = await startTask(aTaskSpec({ pidMode: "task", containers: [aContainer("app")] }));
    done();
    const pause = host.docker.specOf(host.calls("start")[0]!)!;
    assert.equal(pause.HostConfig.IpcMode, undefined);
    assert.deepEqual([host.docker.specOf("app")!.HostConfig.PidMode, host.docker.specOf("app")!.HostConfig.IpcMode], [`container:${pause.name}`, undefined]);
  });

  it("stops the pause container after the task's containers, and removes it at clean-up", async () => {
    const { host, actor, done } = await startTask(spec);
    const pauseName = host.calls("start")[0]!;
    actor.desire({ ...spec, desiredStatus: "STOPPED" });
    await host.settle(() => [actor]);
    assert.deepEqual(host.calls("stop").slice(-1), [pauseName], `stop order: ${host.calls("stop").join(", ")}`);
    assert.equal(host.docker.stateOf(pauseName), "exited");
    await actor.cleanUp();
    done();
    assert.equal(host.docker.size, 0);
  });

  it("awsvpc: the containers join the network pause container's network and the namespace pause container's processes", async () => {
    const { host, done } = await startTask(
      aTaskSpec({ networkMode: "awsvpc", pidMode: "task", awsvpc: { attachmentId: "att-1", subnet: "subnet-a", securityGroups: [], assignPublicIp: "DISABLED" } }),
    );
    done();
    assert.equal(host.last().status, "RUNNING");
    const h = host.docker.specOf("app")!.HostConfig;
    assert.match(h.NetworkMode, /^container:ecs-web-3-internalecspause-[0-9a-f]{20}$/);
    assert.match(h.PidMode ?? "", /^container:ecs-web-3-internalecspausenamespace-[0-9a-f]{20}$/);
  });

  it("a task without task namespaces gets no pause container", async () => {
    const { host, done } = await startTask(aTaskSpec({ pidMode: "host", ipcMode: "none" }));
    done();
    assert.deepEqual(host.calls("start"), ["app"]);
    assert.deepEqual([host.docker.specOf("app")!.HostConfig.PidMode, host.docker.specOf("app")!.HostConfig.IpcMode], ["host", "none"]);
  });
});
