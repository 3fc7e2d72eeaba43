import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TaskActor } from "./task-actor.js";
import { metadataContainer } from "./host-views.js";
import { aContainer, aTaskSpec, Host } from "./task-test-kit.js";

/** Waits (a few event-loop turns at a time) until `done` holds, for at most 2 s. */
async function until(done: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 2000; !done(); ) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

const awsvpcSpec = aTaskSpec({
  networkMode: "awsvpc",
  containers: [aContainer("web", { portMappings: [{ containerPort: 80, hostPort: 80 }] }), aContainer("sidecar")],
  awsvpc: { attachmentId: "att-1", subnet: "subnet-a", securityGroups: [], assignPublicIp: "DISABLED" },
});

describe("task actor: awsvpc", () => {
  it("creates the task's pause container on the subnet's network first; the containers join its namespace; the report carries its address", async () => {
    const host = new Host();
    const actor = new TaskActor(awsvpcSpec, host.deps());
    const events = new AbortController();
    host.route(actor, events.signal);
    actor.desire(awsvpcSpec);
    await host.settle(() => [actor]);

    const creates = host.docker.calls.filter((c) => c.op === "create").map((c) => c.target);
    assert.match(creates[0] ?? "", /internalecspause/, "the pause container comes first");
    assert.ok(host.docker.networks.has("berth-subnet-a"));
    const pause = host.docker.specOf(creates[0]!)!;
    assert.equal(pause.HostConfig.NetworkMode, "berth-subnet-a");
    assert.equal(pause.Labels["berth.pause-of"], awsvpcSpec.taskArn);
    assert.deepEqual(pause.Entrypoint, ["sleep"], "the configured pause command");
    for (const name of ["web", "sidecar"]) {
      const spec = host.docker.specOf(name)!;
      assert.equal(spec.HostConfig.NetworkMode, `container:${pause.name}`);
      assert.equal(spec.HostConfig.PortBindings, undefined, "no host port for an awsvpc task");
    }
    const report = host.last(awsvpcSpec.taskArn);
    assert.equal(report.status, "RUNNING");
    assert.equal(report.eni?.privateIPv4Address !== undefined && report.eni.privateIPv4Address !== "", true);
    // The metadata endpoint shows each container the task's address, as ECS's v4 does for awsvpc.
    const web = actor.containers.get("web")!;
    assert.deepEqual(metadataContainer(actor, web).Networks?.[0]?.IPv4Addresses, [report.eni!.privateIPv4Address]);
    assert.equal(metadataContainer(actor, web).Networks?.[0]?.NetworkMode, "awsvpc");

    actor.desire({ ...awsvpcSpec, desiredStatus: "STOPPED" });
    await host.settle(() => [actor]);
    assert.equal(host.last(awsvpcSpec.taskArn).status, "STOPPED");
    assert.throws(() => host.docker.idOf(pause.name), /no container/, "the pause container is removed with the task's stop");
    // Once no task has held it for the idle time (0 here: subnet-networks.ts keeps it 30 s in an agent).
    await until(() => !host.docker.networks.has("berth-subnet-a"));
    events.abort();
  });

  it("starts no container before the task's address is guarded by its security groups' rules", async () => {
    const host = new Host();
    let release = (): void => undefined;
    let guardedAt = -1;
    const guard = new Promise<void>((resolve) => (release = resolve));
    const actor = new TaskActor(awsvpcSpec, {
      ...host.deps(),
      networkGuard: () => {
        guardedAt = host.docker.calls.length;
        return guard;
      },
    });
    const events = new AbortController();
    host.route(actor, events.signal);
    actor.desire(awsvpcSpec);
    await until(() => host.docker.calls.filter((c) => c.op === "create").length === 3);
    assert.ok(guardedAt >= 0, "the guard was asked once the pause container had the address");
    assert.deepEqual(host.docker.calls.filter((c) => c.op === "start").map((c) => c.target).filter((t) => !/internalecspause/.test(t ?? "")), [], "no task container started yet");
    release();
    await host.settle(() => [actor]);
    assert.equal(host.last(awsvpcSpec.taskArn).status, "RUNNING");
    actor.desire({ ...awsvpcSpec, desiredStatus: "STOPPED" });
    await host.settle(() => [actor]);
    events.abort();
  });

  it("creates the task's containers while its pause container starts, and starts none before the pause container runs", async () => {
    const host = new Host();
    const release = host.docker.holdStart((name) => name.includes("internalecspause"));
    const actor = new TaskActor(awsvpcSpec, host.deps());
    const events = new AbortController();
    host.route(actor, events.signal);
    actor.desire(awsvpcSpec);
    await until(() => host.calls("create").length === 3);
    assert.deepEqual(host.calls("create").slice(1), ["web", "sidecar"], "both created while the pause container's start is under way");
    assert.deepEqual(host.calls("start"), [], "nothing started yet");
    release();
    await host.settle(() => [actor]);
    assert.match(host.calls("start")[0] ?? "", /internalecspause/, "the pause container starts first");
    assert.equal(host.last(awsvpcSpec.taskArn).status, "RUNNING");
    actor.desire({ ...awsvpcSpec, desiredStatus: "STOPPED" });
    await host.settle(() => [actor]);
    events.abort();
  });

  it("fails the task, saying why, when an awsvpc spec comes without its interface", async () => {
    const host = new Host();
    const spec = { ...awsvpcSpec, awsvpc: undefined };
    const actor = new TaskActor(spec, host.deps());
    const events = new AbortController();
    host.route(actor, events.signal);
    actor.desire(spec);
    await host.settle(() => [actor]);
    const report = host.last(spec.taskArn);
    assert.equal(report.status, "STOPPED");
    assert.equal(report.stopCode, "TaskFailedToStart");
    assert.match(report.reason ?? "", /network interface/);
    events.abort();
  });
});
