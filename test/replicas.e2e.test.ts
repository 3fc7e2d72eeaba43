import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { totalmem } from "node:os";
import { Agent } from "node:http";
import { CreateClusterCommand, CreateServiceCommand, ECSClient, ListClustersCommand, RunTaskCommand, UpdateServiceCommand, type Task } from "@aws-sdk/client-ecs";
import pg from "pg";
import { BerthCluster } from "./support/berth-cluster.js";
import type { BerthServer } from "./support/berth-server.js";
import { Replicas } from "./support/replicas.js";
import { describeService, serviceTasks } from "./support/services.js";
import { until } from "./support/until.js";

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

describe("three replicas on PostgreSQL: the leader dies", { timeout: 600_000 }, () => {
  let replicas: Replicas;
  let cluster: BerthCluster;
  let db: pg.Client;
  before(async () => {
    replicas = await Replicas.start(3);
    db = new pg.Client({ connectionString: replicas.pg.url("berth") });
    await db.connect();
  });
  after(async () => {
    await db?.end();
    for (const s of replicas?.servers ?? []) await s.kill();
    await cluster?.stop();
    await replicas?.pg.stop();
  });

  /** The replica that holds an unexpired lease, by the process id its holder name carries. */
  const leader = async (): Promise<BerthServer | undefined> => {
    const row = (await db.query<{ holder: string }>("SELECT holder FROM leader_lease WHERE expires_at > clock_timestamp()")).rows[0];
    const pid = Number(row?.holder.split(":")[1]);
    return replicas.servers.find((s) => s.running && s.pid === pid);
  };
  /** Which replica (by process id) holds each agent's session, as the instances record it. */
  const agentReplicas = async (): Promise<number[]> =>
    (await db.query<{ holder: string | null }>("SELECT doc ->> 'agentReplica' AS holder FROM container_instances WHERE (doc ->> 'agentConnected')::boolean")).rows.map((r) => Number(r.holder?.split(":")[1]));

  it("kill -9 of the leader: another leads within 10 s, agents reconnect within 15 s, services keep 50 tasks, no write lost, none duplicated", async (t) => {
    const first = await until("a leader", leader, { timeoutMs: 15_000 });
    // The agents know every replica, the leader first: it is the one they are connected to when it dies.
    const others = replicas.servers.filter((s) => s !== first);
    const endpoints = [first, ...others].map((s) => s.endpoint).join(",");
    cluster = await BerthCluster.start({ name: "failover", agents: 2, server: first, agentEnv: { ECS_BACKEND_HOST: endpoints } });
    assert.deepEqual(await agentReplicas(), [first.pid, first.pid]);

    const ecs = others[0]!.ecs();
    const taskDefinition = await cluster.register({ family: "failover-web", containerDefinitions: [{ name: "web", image: "berth-test:latest", memory: 16, command: ["sleep", "600"] }] });
    await ecs.send(new CreateServiceCommand({ cluster: cluster.name, serviceName: "web", taskDefinition, desiredCount: 50 }));
    await until("50 tasks RUNNING", async () => ((await describeService(ecs, cluster.name, "web")).runningCount === 50 ? true : undefined), { timeoutMs: 120_000 });
    const before = new Set((await serviceTasks(ecs, cluster.name, "web")).map((t) => t.taskArn));

    // Writes acknowledged by the surviving replicas while the leader dies must all be there afterwards.
    const acknowledged: string[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const name = `ack-${i}`;
        await ecs.send(new CreateClusterCommand({ clusterName: name })).then(() => acknowledged.push(name), () => undefined);
      }
    })();

    const killedAt = performance.now();
    await first.kill("SIGKILL");
    const next = await until("another leader", leader, { timeoutMs: 10_000, everyMs: 100 });
    const leaderAfterMs = performance.now() - killedAt;
    await until("both agents on live replicas", async () => {
      const held = await agentReplicas();
      return held.length === 2 && held.every((pid) => pid !== first.pid) ? true : undefined;
    }, { timeoutMs: 15_000, everyMs: 100 });
    const agentsAfterMs = performance.now() - killedAt;
    writing = false;
    await writer;

    t.diagnostic(`another replica led after ${leaderAfterMs.toFixed(0)} ms; both agents were on live replicas after ${agentsAfterMs.toFixed(0)} ms; ${acknowledged.length} writes acknowledged meanwhile`);
    assert.notEqual(next, first);
    assert.ok(leaderAfterMs <= 10_000 && agentsAfterMs <= 15_000, `leader after ${leaderAfterMs.toFixed(0)} ms, agents after ${agentsAfterMs.toFixed(0)} ms`);
    const clusters = new Set<string>();
    for (let nextToken: string | undefined, page; (page = await ecs.send(new ListClustersCommand({ nextToken }))); ) {
      for (const arn of page.clusterArns ?? []) clusters.add(arn.split("/")[1]!);
      if (!(nextToken = page.nextToken)) break;
    }
    assert.ok(acknowledged.length > 0);
    assert.deepEqual(acknowledged.filter((n) => !clusters.has(n)), []);

    // The service kept its tasks: the same 50, each container once on Docker, for a while after.
    await new Promise((r) => setTimeout(r, 5000));
    const service = await describeService(ecs, cluster.name, "web");
    assert.equal(service.desiredCount, 50);
    const after = await serviceTasks(ecs, cluster.name, "web");
    assert.equal(after.filter((t) => t.lastStatus === "RUNNING").length, 50);
    assert.deepEqual(new Set(after.map((t) => t.taskArn)), before);
    assert.equal((await cluster.containerIds()).length, 50);
  });
});

describe("three replicas on PostgreSQL: the leader is paused", { timeout: 300_000 }, () => {
  let replicas: Replicas;
  let cluster: BerthCluster;
  let db: pg.Client;
  before(async () => {
    // Tasks count as healthy at once: a scale-in does not wait 40 s for them to settle.
    replicas = await Replicas.start(3, ["--task-healthy-after", "0s"]);
    db = new pg.Client({ connectionString: replicas.pg.url("berth") });
    await db.connect();
  });
  after(async () => {
    await db?.end();
    for (const s of replicas?.servers ?? []) await s.kill("SIGKILL");
    await cluster?.stop();
    await replicas?.pg.stop();
  });

  const lease = async () => (await db.query<{ term: string; holder: string }>("SELECT term, holder FROM leader_lease WHERE expires_at > clock_timestamp()")).rows[0];

  it("stops leading while paused, another replica leads, and when it wakes it acts on nothing: the service keeps its count", async () => {
    const held = await until("a leader", lease, { timeoutMs: 15_000 });
    const first = replicas.servers.find((s) => s.pid === Number(held.holder.split(":")[1]))!;
    const other = replicas.servers.find((s) => s !== first)!;
    cluster = await BerthCluster.start({ name: "paused", agents: 2, server: other });
    const ecs = other.ecs();
    const taskDefinition = await cluster.register({ family: "paused-web", containerDefinitions: [{ name: "web", image: "berth-test:latest", memory: 16, command: ["sleep", "600"] }] });
    await ecs.send(new CreateServiceCommand({ cluster: cluster.name, serviceName: "web", taskDefinition, desiredCount: 10 }));
    await until("10 tasks RUNNING", async () => ((await describeService(ecs, cluster.name, "web")).runningCount === 10 ? true : undefined), { timeoutMs: 60_000 });

    first.signal("SIGSTOP");
    const next = await until("another leader while the first is paused", async () => {
      const l = await lease();
      return l && l.holder !== held.holder ? l : undefined;
    }, { timeoutMs: 10_000, everyMs: 100 });
    assert.ok(Number(next.term) > Number(held.term));
    // Meanwhile the new leader's controllers act: the service changes under it.
    await ecs.send(new UpdateServiceCommand({ cluster: cluster.name, service: "web", desiredCount: 6 }));
    await until("6 tasks", async () => ((await serviceTasks(ecs, cluster.name, "web")).length === 6 ? true : undefined), { timeoutMs: 30_000 });
    first.signal("SIGCONT");
    // Awake, the old leader still has its view of 10 tasks; it must not act on it.
    await new Promise((r) => setTimeout(r, 5000));
    assert.equal((await lease())?.holder, next.holder);
    const tasks = await serviceTasks(ecs, cluster.name, "web");
    assert.equal(tasks.length, 6);
    assert.equal(tasks.filter((t) => t.lastStatus === "RUNNING").length, 6);
    assert.equal((await describeService(first.ecs(), cluster.name, "web")).desiredCount, 6);
  });
});
