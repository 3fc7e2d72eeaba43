import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TaskSpec } from "../agent-protocol/messages.js";
import { TaskActor } from "./task-actor.js";
import { aContainer, aTaskSpec, Host } from "./task-test-kit.js";

/** Waits (a few event-loop turns at a time) until `done` holds, for at most 2 s. */
async function until(done: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 2000; !done(); ) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

const onSubnetA = (id: string): TaskSpec =>
  aTaskSpec({
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/default/${id.padEnd(32, "0")}`,
    networkMode: "awsvpc",
    containers: [aContainer("app")],
    awsvpc: { attachmentId: `att-${id}`, subnet: "subnet-a", securityGroups: [], assignPublicIp: "DISABLED" },
  });

const isPause = (dockerName: string): boolean => dockerName.includes("internalecspause");

/** Starts an actor for `spec` on `host`, with Docker's events routed to it. */
function run(host: Host, spec: TaskSpec, events: AbortSignal, over: Parameters<Host["deps"]>[0] = {}): TaskActor {
  const actor = new TaskActor(spec, host.deps(over));
  host.route(actor, events);
  actor.desire(spec);
  return actor;
}

/** The subnet's second task, its pause container created and its start held until `release()`. */
async function aSecondTaskHeldAtItsPauseStart(host: Host, events: AbortSignal): Promise<{ second: TaskSpec; b: TaskActor; release: () => void }> {
  const release = host.docker.holdStart(isPause);
  const second = onSubnetA("b2");
  const b = run(host, second, events);
  await until(() => host.calls("create").filter(isPause).length === 2);
  return { second, b, release };
}

describe("task actor: the subnet's Docker network between tasks", () => {
  it("keeps the network for a task whose pause container is created but not started while the subnet's last other task stops", async () => {
    const host = new Host();
    const events = new AbortController();
    const first = onSubnetA("a1");
    const a = run(host, first, events.signal);
    await host.settle(() => [a]);
    assert.equal(host.last(first.taskArn).status, "RUNNING");

    // The next task of the subnet: its pause container is created, its start held.
    const { second, b, release } = await aSecondTaskHeldAtItsPauseStart(host, events.signal);

    // The first task stops meanwhile: the network must not go from under the second's pause container.
    a.desire({ ...first, desiredStatus: "STOPPED" });
    await host.settle(() => [a]);
    await host.networks.settled();
    assert.ok(host.docker.networks.has("berth-subnet-a"), "the network stays while a task of the subnet holds it");
    release();
    await host.settle(() => [a, b]);
    assert.equal(host.last(second.taskArn).status, "RUNNING", host.last(second.taskArn).reason);

    b.desire({ ...second, desiredStatus: "STOPPED" });
    await host.settle(() => [b]);
    await until(() => !host.docker.networks.has("berth-subnet-a"));
    events.abort();
  });

  it("makes the network again and starts once more when another agent on the engine removed it between create and start", async () => {
    const host = new Host();
    const events = new AbortController();
    const otherAgent = host.newNetworks();
    const first = onSubnetA("a1");
    const a = run(host, first, events.signal, { networks: otherAgent });
    await host.settle(() => [a]);

    const { second, b, release } = await aSecondTaskHeldAtItsPauseStart(host, events.signal);
    // The other agent's last task of the subnet stops: its agent, seeing no user, removes the network.
    a.desire({ ...first, desiredStatus: "STOPPED" });
    await host.settle(() => [a]);
    await until(() => !host.docker.networks.has("berth-subnet-a"));

    release();
    await host.settle(() => [a, b]);
    assert.equal(host.last(second.taskArn).status, "RUNNING", host.last(second.taskArn).reason);
    assert.ok(host.docker.networks.has("berth-subnet-a"));
    assert.ok(host.last(second.taskArn).eni?.privateIPv4Address);
    b.desire({ ...second, desiredStatus: "STOPPED" });
    await host.settle(() => [b]);
    events.abort();
  });

  it("checks the network once for tasks run back to back and removes it only after the last one", async () => {
    const host = new Host();
    const events = new AbortController();
    const actors: TaskActor[] = [];
    for (const id of ["c1", "c2", "c3"]) {
      const spec = onSubnetA(id);
      const actor = run(host, spec, events.signal);
      actors.push(actor);
      await host.settle(() => actors);
      assert.equal(host.last(spec.taskArn).status, "RUNNING");
    }
    assert.deepEqual(host.calls("ensure-network"), ["berth-subnet-a"], "one engine check for the subnet, not one per task");
    for (const actor of actors) actor.desire({ ...actor.spec, desiredStatus: "STOPPED" });
    await host.settle(() => actors);
    await until(() => !host.docker.networks.has("berth-subnet-a"));
    assert.equal(host.calls("remove-network").length, 1, "removed once, after the last task");
    events.abort();
  });
});

