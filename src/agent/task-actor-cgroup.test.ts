import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TaskCgroups } from "./cgroups/cgroupfs.js";
import type { CgroupSetting } from "./cgroups/task-cgroup.js";
import { TaskActor } from "./task-actor.js";
import { aContainer, aTaskSpec, Host } from "./task-test-kit.js";

/** Task cgroups in memory: what was made, whether the limit was hit (set by the test), what was removed. */
class InMemoryCgroups implements TaskCgroups {
  readonly made = new Map<string, readonly CgroupSetting[]>();
  readonly removed: string[] = [];
  limitHit = false;
  create(path: string, settings: readonly CgroupSetting[]): Promise<void> {
    this.made.set(path, settings);
    return Promise.resolve();
  }
  hitMemoryLimit(): Promise<boolean> {
    return Promise.resolve(this.limitHit);
  }
  remove(path: string): Promise<void> {
    this.removed.push(path);
    return Promise.resolve();
  }
}

const sized = aTaskSpec({ cpu: 256, memory: 512, containers: [aContainer("web"), aContainer("sidecar", { essential: false })] });
const id = sized.taskArn.split("/").at(-1)!;

/** The sized task started by an actor over in-memory cgroups; `events.abort()` ends the routing. */
async function aRunningSizedTask() {
  const host = new Host();
  const cgroups = new InMemoryCgroups();
  const actor = new TaskActor(sized, host.deps({ cgroups }));
  const events = new AbortController();
  host.route(actor, events.signal);
  actor.desire(sized);
  await host.settle(() => [actor]);
  return { host, cgroups, actor, events };
}

describe("task actor: the task's cgroup", () => {
  it("makes the task's cgroup with its limits before any container, puts every container under it, reports the isolation and removes it after the stop", async () => {
    const { host, cgroups, actor, events } = await aRunningSizedTask();
    assert.deepEqual([...cgroups.made.keys()], [`/berth/${id}`]);
    assert.equal(cgroups.made.get(`/berth/${id}`)?.find((s) => s.file === "memory.limit_in_bytes")?.value, String(512 * 2 ** 20));
    for (const name of ["web", "sidecar"]) assert.equal(host.docker.specOf(name)?.HostConfig.CgroupParent, `/berth/${id}`);
    assert.match(host.last(sized.taskArn).isolation ?? "", /task cgroup/);

    actor.desire({ ...sized, desiredStatus: "STOPPED" });
    await host.settle(() => [actor]);
    assert.deepEqual(cgroups.removed, [`/berth/${id}`]);
    events.abort();
  });

  const sigkilled: { what: string; limitHit: boolean; reason: string | undefined }[] = [
    { what: "names a container SIGKILLed while the task hit its memory limit OutOfMemoryError, as ECS does, though Docker saw no OOM of its own", limitHit: true, reason: "OutOfMemoryError: Container killed due to memory usage" },
    { what: "blames nothing on memory when a container is SIGKILLed and the limit was not hit", limitHit: false, reason: undefined },
  ];
  for (const { what, limitHit, reason } of sigkilled) {
    it(what, async () => {
      const { host, cgroups, actor, events } = await aRunningSizedTask();
      cgroups.limitHit = limitHit;
      host.docker.exit("sidecar", 137);
      if (!limitHit) await host.passLateOomWait();
      await host.settle(() => [actor]);
      const sidecar = host.last(sized.taskArn).containers.find((c) => c.name === "sidecar");
      assert.equal(sidecar?.exitCode, 137);
      assert.equal(sidecar?.reason, reason);
      events.abort();
    });
  }

  it("makes no cgroup for a task without a task-level size, beside a sized one", async () => {
    const { host, cgroups, events } = await aRunningSizedTask();
    const unsized = aTaskSpec({ taskArn: sized.taskArn.replace(id, "feedbeef"), cpu: undefined, memory: undefined });
    const other = new TaskActor(unsized, host.deps({ cgroups }));
    host.route(other, events.signal);
    other.desire(unsized);
    await host.settle(() => [other]);
    assert.equal(host.docker.specOf("app")?.HostConfig.CgroupParent, undefined);
    assert.equal(cgroups.made.size, 1, "only the sized task's");
    assert.match(host.last(unsized.taskArn).isolation ?? "", /per-container limits/);
    events.abort();
  });
});
