import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { aContainer, aTaskSpec, Host } from "../task-test-kit.js";
import { TaskActor } from "../task-actor.js";
import { fromTaskContainer } from "./task-sources.js";

/** Two tasks on one in-memory host, each with its own containers and addresses. */
async function twoTasks() {
  const host = new Host();
  const events = new AbortController();
  const specA = aTaskSpec({ taskArn: "arn:aws:ecs:us-east-1:123456789012:task/default/aaaa", containers: [aContainer("app"), aContainer("sidecar", { essential: false })] });
  const specB = aTaskSpec({ taskArn: "arn:aws:ecs:us-east-1:123456789012:task/default/bbbb" });
  const actors = [specA, specB].map((spec) => {
    const actor = new TaskActor(spec, host.deps());
    host.route(actor, events.signal);
    actor.desire(spec);
    return actor;
  });
  await host.settle(() => actors);
  const ipOf = (actor: TaskActor, name: string) => actor.containers.get(name)?.ipv4[0] ?? assert.fail(`${name} has no address`);
  return { host, a: actors[0]!, b: actors[1]!, ipOf, done: () => events.abort() };
}

describe("whose container a request to the credentials endpoint comes from", () => {
  it("accepts each live container of the task, from a plain or an IPv4-mapped address, and no other", async () => {
    const { host, a, b, ipOf, done } = await twoTasks();
    const inspect = (id: string) => host.docker.inspectContainer(id);
    try {
      assert.equal(await fromTaskContainer(a, ipOf(a, "app"), inspect), true);
      assert.equal(await fromTaskContainer(a, `::ffff:${ipOf(a, "sidecar")}`, inspect), true);
      assert.equal(await fromTaskContainer(a, ipOf(b, "app"), inspect), false, "another task's container");
      assert.equal(await fromTaskContainer(a, "127.0.0.1", inspect), false, "the host");
      assert.equal(await fromTaskContainer(a, undefined, inspect), false);
      assert.equal(await fromTaskContainer(undefined, ipOf(a, "app"), inspect), false, "a task this agent does not run");
    } finally {
      done();
    }
  });

  it("asks Docker for a container the agent has not inspected yet, and never counts a stopped one", async () => {
    const { host, a, ipOf, done } = await twoTasks();
    const inspect = (id: string) => host.docker.inspectContainer(id);
    try {
      const sidecar = a.containers.get("sidecar")!;
      const address = ipOf(a, "sidecar");
      sidecar.ipv4 = [];
      assert.equal(await fromTaskContainer(a, address, inspect), true, "found through Docker");
      host.docker.exit(sidecar.dockerId!, 0);
      await host.settle(() => [a]);
      assert.equal(sidecar.status, "STOPPED");
      sidecar.ipv4 = [address]; // as recorded while it ran
      assert.equal(await fromTaskContainer(a, address, inspect), false, "its address may be another container's now");
      assert.equal(await fromTaskContainer(a, ipOf(a, "app"), inspect), true);
    } finally {
      done();
    }
  });

  it("accepts an awsvpc task's containers from the task's address (their namespace is the pause container's), while they live", async () => {
    const host = new Host();
    const events = new AbortController();
    const spec = aTaskSpec({
      taskArn: "arn:aws:ecs:us-east-1:123456789012:task/default/cccc",
      networkMode: "awsvpc",
      awsvpc: { attachmentId: "att", subnet: "subnet-a", securityGroups: [], assignPublicIp: "DISABLED" },
    });
    const other = aTaskSpec({ taskArn: "arn:aws:ecs:us-east-1:123456789012:task/default/dddd" });
    const [actor, bridge] = [spec, other].map((s) => {
      const a = new TaskActor(s, host.deps());
      host.route(a, events.signal);
      a.desire(s);
      return a;
    });
    await host.settle(() => [actor!, bridge!]);
    const inspect = (id: string) => host.docker.inspectContainer(id);
    try {
      const ip = actor!.networkInterface?.privateIPv4Address ?? assert.fail("the awsvpc task has an address");
      assert.equal(await fromTaskContainer(actor, ip, inspect), true);
      assert.equal(await fromTaskContainer(bridge, ip, inspect), false, "another task does not own that address");
      actor!.desire({ ...spec, desiredStatus: "STOPPED" });
      await host.settle(() => [actor!]);
      assert.equal(await fromTaskContainer(actor, ip, inspect), false, "a stopped task's address may be another's now");
    } finally {
      events.abort();
    }
  });
});
