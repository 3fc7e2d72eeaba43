import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { totalmem } from "node:os";
import { Agent } from "node:http";
import { ECSClient, RunTaskCommand, type Task } from "@aws-sdk/client-ecs";
import { BerthCluster } from "./support/berth-cluster.js";
import { Replicas } from "./support/replicas.js";

/**
 * Three `berth server` replicas on one PostgreSQL database, with real agents on Docker, driven with
 * the AWS SDK: any replica serves, and placement never double-books across them.
 */
describe("three replicas on PostgreSQL", { timeout: 600_000 }, () => {
  let replicas: Replicas;
  let cluster: BerthCluster;
  // Each agent offers about 1 GiB to tasks: room for a few dozen tasks, not a thousand containers.
  const reservedMemory = Math.floor(totalmem() / 2 ** 20) - 1024;
  before(async () => {
    replicas = await Replicas.start(3);
    cluster = await BerthCluster.start({ name: "replicas", agents: 2, server: replicas.servers[0], agentEnv: { ECS_RESERVED_MEMORY: String(reservedMemory) } });
  });
  after(async () => {
    for (const s of replicas?.servers.slice(1) ?? []) await s.kill();
    await cluster?.stop();
    await replicas?.pg.stop();
  });

  it("places 1,000 concurrent RunTask calls spread across the replicas without oversubscribing an instance or giving a host port twice", async () => {
    const taskDefinition = await cluster.register({
      family: "replicas-web",
      containerDefinitions: [{ name: "web", image: "berth-test:latest", memory: 64, command: ["sleep", "600"], portMappings: [{ containerPort: 80, hostPort: 0 }] }],
    });
    // 1,000 calls at once: each replica's client may open a connection for every call it makes.
    const clients = replicas.servers.map(
      (s) => new ECSClient({ endpoint: s.endpoint, region: "us-east-1", credentials: s.accessKey, maxAttempts: 1, requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 400 }) } }),
    );
    const outcomes = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => clients[i % clients.length]!.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition }))),
    );
    const placed = outcomes.flatMap((o) => o.tasks ?? []);
    // A call that placed nothing says why for each instance (ECS's failures[]): memory, nothing else.
    const refused = outcomes.filter((o) => (o.tasks ?? []).length === 0);
    assert.equal(placed.length + refused.length, 1000);
    assert.deepEqual(new Set(refused.flatMap((o) => o.failures ?? []).map((f) => f.reason)), new Set(["RESOURCE:MEMORY"]));

    const instances = await cluster.describeInstances(cluster.agents.map((a) => a.containerInstanceArn));
    const memoryOf = new Map(instances.map((i) => [i.containerInstanceArn, i.registeredResources?.find((r) => r.name === "MEMORY")?.integerValue ?? 0]));
    const capacity = [...memoryOf.values()].reduce((n, m) => n + Math.floor(m / 64), 0);
    assert.ok(placed.length <= capacity, `${placed.length} tasks placed where ${capacity} fit`);
    assert.ok(placed.length >= capacity * 0.9, `only ${placed.length} of ${capacity} places taken`);

    const running = await cluster.waitForTasks(placed.map((t) => t.taskArn!), (t) => t.lastStatus === "RUNNING", 120_000, "every placed task RUNNING");
    const byInstance = new Map<string, Task[]>();
    for (const t of running) byInstance.set(t.containerInstanceArn ?? "", [...(byInstance.get(t.containerInstanceArn ?? "") ?? []), t]);
    for (const [arn, tasks] of byInstance) {
      assert.ok(tasks.length * 64 <= memoryOf.get(arn)!, `${arn} holds ${tasks.length} tasks of 64 MiB in ${memoryOf.get(arn)} MiB`);
      const ports = tasks.flatMap((t) => t.containers?.flatMap((c) => c.networkBindings?.map((b) => b.hostPort) ?? []) ?? []);
      assert.equal(ports.length, tasks.length);
      assert.equal(new Set(ports).size, ports.length, `a host port given twice on ${arn}`);
    }
  });
});
