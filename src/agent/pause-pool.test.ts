import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { pino } from "pino";
import type { TaskSpec } from "../agent-protocol/messages.js";
import { arnId } from "../domain/arn.js";
import { pausePoolLabel } from "./docker/pause-container.js";
import { PausePool } from "./pause-pool.js";
import { TaskManager } from "./task-manager.js";
import { aContainer, aTaskSpec, Host, instanceArn } from "./task-test-kit.js";

const managers: TaskManager[] = [];
afterEach(() => managers.splice(0).forEach((m) => m.stop()));

const onSubnetA = (id: string): TaskSpec =>
  aTaskSpec({
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/default/${id.padEnd(32, "0")}`,
    networkMode: "awsvpc",
    containers: [aContainer("app"), aContainer("sidecar", { essential: false })],
    awsvpc: { attachmentId: `att-${id}`, subnet: "subnet-a", securityGroups: [], assignPublicIp: "DISABLED" },
  });

function aPool(host: Host, perSubnet = 1): PausePool {
  return new PausePool({
    docker: host.docker,
    networks: host.networks,
    pause: { image: "berth-test:latest", command: ["sleep", "2147483647"] },
    labels: { "berth.container-instance": instanceArn },
    perSubnet,
    maxSubnets: 2,
    idleMs: 3_600_000,
    refillDelayMs: 0,
    logger: pino({ level: "silent" }),
  });
}

function anAgent(host: Host, pool: PausePool): TaskManager {
  const manager = new TaskManager({ ...host.deps({ pausePool: pool }), cleanupWaitMs: 3_600_000 });
  managers.push(manager);
  return manager;
}

/** Until the agent's actors, the pool's fills and the network steps are all done. */
async function settle(host: Host, manager: TaskManager, pool: PausePool): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await host.settle(() => [...manager.actors.values()]);
    await pool.settled();
    await host.networks.settled();
  }
}

/** An agent with a pool of one, watching Docker, whose first task of subnet-a has run (and so filled the pool). */
async function afterAFirstTask(): Promise<{ host: Host; pool: PausePool; agent: TaskManager; first: TaskSpec }> {
  const host = new Host();
  const pool = aPool(host);
  const agent = anAgent(host, pool);
  agent.watchDocker();
  const first = onSubnetA("a1");
  agent.apply([first], true);
  await settle(host, agent, pool);
  return { host, pool, agent, first };
}

const pooled = (host: Host) => host.docker.listContainers({ [pausePoolLabel]: true });

describe("pause pool: namespaces started ahead for recently used subnets", () => {
  it("fills after a subnet's first task; the next task claims the started container (renamed for it) instead of creating and starting its own", async () => {
    const { host, pool, agent, first } = await afterAFirstTask();
    assert.equal(host.last(first.taskArn).status, "RUNNING");
    const ahead = await pooled(host);
    assert.equal(ahead.length, 1, "one pause container started ahead for subnet-a");
    assert.equal(ahead[0]!.state, "running");
    assert.equal(ahead[0]!.labels["com.amazonaws.ecs.task-arn"], undefined, "it carries no task's identity");

    const second = onSubnetA("b2");
    const startsBefore = host.calls("start").length;
    agent.apply([first, second], true);
    await host.settle(() => [...agent.actors.values()]);
    const report = host.last(second.taskArn);
    assert.equal(report.status, "RUNNING");
    const claimedName = `berth-pause-${arnId(second.taskArn)}`;
    assert.equal(report.eni?.privateIPv4Address !== undefined, true);
    assert.deepEqual(host.calls("start").slice(startsBefore, startsBefore + 2), ["app", "sidecar"], "only the task's own containers started on its path");
    for (const name of ["app", "sidecar"]) assert.equal(host.docker.specOf(host.docker.idOf(`${name}`))!.HostConfig.NetworkMode, `container:${claimedName}`);
    assert.equal(host.docker.stateOf(claimedName), "running");

    // Stopping the task removes its claimed namespace; the pool has refilled meanwhile.
    agent.apply([first, { ...second, desiredStatus: "STOPPED" }], true);
    await settle(host, agent, pool);
    assert.throws(() => host.docker.idOf(claimedName), /no container/);
    assert.equal((await pooled(host)).filter((c) => c.name.startsWith("berth-pool-")).length, 1, "refilled to its bound");
    await pool.stop();
    assert.equal((await pooled(host)).length, 0, "the agent's stop removes every pooled container");
    agent.apply([{ ...first, desiredStatus: "STOPPED" }], true);
    await settle(host, agent, pool);
    await host.networks.stop();
    assert.equal(host.docker.networks.has("berth-subnet-a"), false, "and the network, once no task holds it");
  });

  it("hands out no pooled container that died while it waited: the task makes its own and runs", async () => {
    const { host, pool, agent, first } = await afterAFirstTask();
    const [ahead] = await pooled(host);
    assert.ok(ahead);
    host.docker.exit(ahead.id, 137);
    const second = onSubnetA("b2");
    agent.apply([first, second], true);
    await settle(host, agent, pool);
    assert.equal(host.last(second.taskArn).status, "RUNNING", host.last(second.taskArn).reason);
    assert.throws(() => host.docker.idOf(ahead.id), /no container/, "the dead one was removed");
    assert.throws(() => host.docker.idOf(`berth-pause-${arnId(second.taskArn)}`), /no container/, "nothing was renamed for the task");
    await pool.stop();
  });

  it("after an agent restart, a claimed container is adopted by its task and an unclaimed one is removed, never taken for a task's container", async () => {
    const { host, pool, agent, first } = await afterAFirstTask();
    const second = onSubnetA("b2");
    agent.apply([first, second], true);
    await settle(host, agent, pool);
    const eni = host.last(second.taskArn).eni;
    assert.ok(eni?.privateIPv4Address);
    const unclaimed = (await pooled(host)).find((c) => c.name.startsWith("berth-pool-"));
    assert.ok(unclaimed, "a refilled, unclaimed pause container is there when the agent goes");
    agent.stop(); // the agent goes away; containers stay (no pool.stop: a crash)

    const again = aPool(host);
    const back = anAgent(host, again);
    await back.adopt();
    back.watchDocker();
    back.apply([{ ...first, created: true }, { ...second, created: true }], true);
    await settle(host, back, again);
    assert.equal(back.actors.size, 2, "no actor for a pooled container");
    assert.deepEqual(back.actors.get(second.taskArn)!.toReport().eni, eni, "the claimed namespace is the task's again");
    assert.throws(() => host.docker.idOf(unclaimed.id), /no container/, "the unclaimed one was removed");
    assert.equal(host.last(second.taskArn).status, "RUNNING");
    back.apply([{ ...second, desiredStatus: "STOPPED" }, { ...first, desiredStatus: "STOPPED" }], true);
    await settle(host, back, again);
    assert.throws(() => host.docker.idOf(`berth-pause-${arnId(second.taskArn)}`), /no container/, "removed with its task");
    await again.stop();
  });
});
