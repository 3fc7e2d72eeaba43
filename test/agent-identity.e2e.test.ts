import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateClusterCommand,
  DeleteClusterCommand,
  DeregisterContainerInstanceCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type Task,
} from "@aws-sdk/client-ecs";
import type { AgentCredential } from "../src/agent-protocol/agent-credential.js";
import { createAgentCredential } from "../src/agent/identity.js";
import type { SimulatedAgent } from "../src/agent/simulated/simulated-agent.js";
import { connect, isType, RawChannel, signHandshake } from "./support/agent-handshake.js";
import { BerthServer } from "./support/berth-server.js";

import { startSimulatedAgents } from "./support/simulated-cluster.js";
import { until } from "./support/until.js";
import { testSdkRetry } from "./support/sdk-retry.js";

const cluster = "identities";
const slot = (value: string) => [{ name: "slot", value }];
const resources = [
  { name: "CPU", type: "INTEGER", integerValue: 1024 },
  { name: "MEMORY", type: "INTEGER", integerValue: 2048 },
];
const onSlot = (value: string) => [{ type: "memberOf" as const, expression: `attribute:slot == ${value}` }];

/** Agents' own credentials: what they may do, what they may not, and single-use handshakes. */
describe("agent identities", () => {
  let server: BerthServer;
  let root: ECSClient;
  let a: SimulatedAgent;
  let b: SimulatedAgent;
  const clients: ECSClient[] = [];
  const channels: RawChannel[] = [];
  const asAgent = (c: AgentCredential): ECSClient => {
    const client = new ECSClient({ endpoint: server.endpoint, region: "us-east-1", credentials: c, ...testSdkRetry });
    clients.push(client);
    return client;
  };
  const runOn = async (value: string): Promise<Task> => {
    const out = await root.send(new RunTaskCommand({ cluster, taskDefinition: "web", placementConstraints: onSlot(value) }));
    assert.ok(out.tasks?.[0], `placed on slot ${value}: ${JSON.stringify(out.failures)}`);
    return out.tasks[0];
  };
  const describeTask = async (arn: string): Promise<Task> => (await root.send(new DescribeTasksCommand({ cluster, tasks: [arn] }))).tasks![0]!;
  const connected = async (arn: string): Promise<boolean | undefined> =>
    (await root.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: [arn] }))).containerInstances?.[0]?.agentConnected;

  /** An instance registered by root with no agent yet, and its own credential, for raw channels. */
  const registerBare = async (value: string): Promise<{ arn: string; credential: AgentCredential }> => {
    const out = await root.send(
      new RegisterContainerInstanceCommand({
        cluster,
        totalResources: resources,
        attributes: slot(value),
      }),
    );
    const arn = out.containerInstance!.containerInstanceArn!;
    return { arn, credential: await createAgentCredential(server.endpoint, "us-east-1", server.accessKey, arn) };
  };

  before(async () => {
    server = await BerthServer.start();
    root = server.ecs();
    await root.send(new CreateClusterCommand({ clusterName: cluster }));
    await root.send(new RegisterTaskDefinitionCommand({ family: "web", containerDefinitions: [{ name: "web", image: "berth-test", memory: 64, portMappings: [{ containerPort: 80 }] }] }));
    const agents = await startSimulatedAgents(server, cluster, [
      { cpu: 1024, memory: 2048, attributes: slot("a") },
      { cpu: 1024, memory: 2048, attributes: slot("b") },
    ]);
    a = agents[0]!;
    b = agents[1]!;
  });
  after(async () => {
    channels.forEach((c) => c.close());
    a.stop();
    b.stop();
    clients.forEach((c) => c.destroy());
    root.destroy();
    await server.stop();
  });

  it("gives each agent a credential of its own, not the root key, named after its instance", () => {
    for (const agent of [a, b]) {
      assert.ok(agent.credential);
      assert.notEqual(agent.credential.accessKeyId, server.accessKey.accessKeyId);
      assert.notEqual(agent.credential.secretAccessKey, server.accessKey.secretAccessKey);
      const id = agent.containerInstanceArn.split("/").at(-1)!;
      assert.equal(agent.credential.principalArn, `arn:aws:sts::000000000000:assumed-role/berth-agent/${id}`);
    }
    assert.notEqual(a.credential!.accessKeyId, b.credential!.accessKeyId);
  });

  it("refuses an agent RunTask and DeleteCluster with AccessDeniedException, in IAM's words", async () => {
    const ecs = asAgent(a.credential!);
    const principal = a.credential!.principalArn.replace(/[/.]/g, "\\$&");
    await assert.rejects(ecs.send(new RunTaskCommand({ cluster, taskDefinition: "web:1" })), (e: Error) => {
      assert.equal(e.name, "AccessDeniedException");
      assert.match(e.message, new RegExp(`^User: ${principal} is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:us-east-1:000000000000:task-definition/web:1`));
      return true;
    });
    await assert.rejects(ecs.send(new DeleteClusterCommand({ cluster })), (e: Error) => {
      assert.equal(e.name, "AccessDeniedException");
      assert.match(e.message, /is not authorized to perform: ecs:DeleteCluster on resource: arn:aws:ecs:us-east-1:000000000000:cluster\/identities/);
      return true;
    });
    await assert.rejects(ecs.send(new CreateClusterCommand({ clusterName: "mine" })), { name: "AccessDeniedException" });
    const clusters = await root.send(new DescribeClustersCommand({ clusters: [cluster, "mine"] }));
    assert.deepEqual(clusters.clusters?.map((c) => c.status), ["ACTIVE"], "the cluster is still there and none was created");
    await assert.rejects(createAgentCredential(server.endpoint, "us-east-1", a.credential!, b.containerInstanceArn), /AccessDeniedException/);
  });

  it("lets an agent register its own instance again, and no other", async () => {
    const ecs = asAgent(a.credential!);
    const again = await ecs.send(new RegisterContainerInstanceCommand({ cluster, containerInstanceArn: a.containerInstanceArn, totalResources: resources, attributes: slot("a") }));
    assert.equal(again.containerInstance?.containerInstanceArn, a.containerInstanceArn);
    await assert.rejects(ecs.send(new RegisterContainerInstanceCommand({ cluster, containerInstanceArn: b.containerInstanceArn, totalResources: resources })), { name: "AccessDeniedException" });
    await assert.rejects(ecs.send(new RegisterContainerInstanceCommand({ cluster, totalResources: resources })), { name: "AccessDeniedException" }, "nor a new one");
  });

  it("does not let an agent report another instance's task: DescribeTasks is unchanged", async () => {
    const task = await runOn("a");
    const running = await until("task RUNNING on a", async () => ((await describeTask(task.taskArn!)).lastStatus === "RUNNING" ? describeTask(task.taskArn!) : undefined));
    assert.equal(running.containerInstanceArn, a.containerInstanceArn);

    // B's own credential, B's own channel (allowed), reporting A's task: forged port, then stopped.
    const channel = await connect(await signHandshake(server.endpoint, b.credential!, b.containerInstanceArn));
    assert.ok(channel instanceof RawChannel, `B may open its own channel: ${JSON.stringify(channel)}`);
    channels.push(channel);
    const forged = {
      taskArn: task.taskArn!,
      status: "RUNNING" as const,
      containers: [{ name: "web", status: "RUNNING" as const, networkBindings: [{ bindIP: "0.0.0.0", containerPort: 80, hostPort: 6666, protocol: "tcp" as const }] }],
    };
    channel.send({ type: "hello", protocolVersion: 1, tasks: [forged] });
    await channel.next(isType("manifest"));
    channel.send({ type: "taskState", id: 7, report: { taskArn: task.taskArn!, status: "STOPPED", containers: [{ name: "web", status: "STOPPED", exitCode: 1 }] } });
    await channel.next((m): m is { type: "stateAck"; id: number } => m.type === "stateAck" && m.id === 7);
    const errors = channel.received.filter(isType("error"));
    assert.equal(errors.length, 2, "both reports refused, and B told so");
    assert.match(errors[0]!.message, /Report refused: task .* is not placed on container instance .*/);

    const after = await describeTask(task.taskArn!);
    assert.equal(after.lastStatus, "RUNNING");
    assert.deepEqual(after.containers?.[0]?.networkBindings, running.containers?.[0]?.networkBindings);
    assert.deepEqual(after, running, "DescribeTasks is exactly as before");
  });

  it("does not let an agent open another instance's channel", async () => {
    const refused = await connect(await signHandshake(server.endpoint, b.credential!, a.containerInstanceArn));
    assert.ok(!(refused instanceof RawChannel), "refused");
    assert.equal(refused.status, 403);
    assert.match(refused.body, new RegExp(`^AccessDeniedException: User: \\S+/berth-agent/\\w+ is not authorized to perform: ecs:Poll on resource: ${a.containerInstanceArn.replace(/[/.]/g, "\\$&")}`));
    assert.equal(await connected(a.containerInstanceArn), true, "A's own session is untouched");
  });

  it("accepts a handshake once: a replay is refused and the live session stays connected and served", async () => {
    const bare = await registerBare("d");
    const handshake = await signHandshake(server.endpoint, bare.credential, bare.arn);
    const live = await connect(handshake);
    assert.ok(live instanceof RawChannel);
    channels.push(live);
    live.send({ type: "hello", protocolVersion: 1, tasks: [] });
    await live.next(isType("manifest"));
    await until("agentConnected", async () => (await connected(bare.arn)) || undefined, { timeoutMs: 10_000 });

    const replay = await connect(handshake);
    assert.ok(!(replay instanceof RawChannel), "the replay is refused");
    assert.equal(replay.status, 403);
    assert.match(replay.body, /^InvalidSignatureException: This handshake signature was already used/);
    const unsigned = await connect(await signHandshake(server.endpoint, bare.credential, bare.arn, null));
    assert.ok(!(unsigned instanceof RawChannel) && unsigned.status === 403, "a handshake without a nonce is refused");

    assert.equal(live.closed, false, "the live session was not evicted");
    assert.equal(await connected(bare.arn), true);
    const task = await runOn("d");
    const payload = await live.next((m): m is Extract<typeof m, { type: "payload" }> => m.type === "payload" && m.tasks.some((t) => t.taskArn === task.taskArn));
    assert.equal(payload.tasks[0]?.desiredStatus, "RUNNING", "it still receives pushes");
  });

  it("revokes an agent's credential, and ends its session, when its instance is deregistered", async () => {
    const bare = await registerBare("e");
    const live = await connect(await signHandshake(server.endpoint, bare.credential, bare.arn));
    assert.ok(live instanceof RawChannel);
    channels.push(live);
    live.send({ type: "hello", protocolVersion: 1, tasks: [] });
    await live.next(isType("manifest"));
    await root.send(new DeregisterContainerInstanceCommand({ cluster, containerInstance: bare.arn, force: true }));
    await until("session closed", () => Promise.resolve(live.closed || undefined), { timeoutMs: 10_000 });
    await assert.rejects(
      asAgent(bare.credential).send(new RegisterContainerInstanceCommand({ cluster, containerInstanceArn: bare.arn, totalResources: resources })),
      { name: "UnrecognizedClientException" },
    );
  });

  it("keeps the AWS CLI and the SDK working with the stricter signature rules", async () => {
    const cli = await server.aws("ecs", "list-clusters");
    assert.equal(cli.code, 0, cli.stderr);
    assert.ok((JSON.parse(cli.stdout) as { clusterArns: string[] }).clusterArns.some((arn) => arn.endsWith(`/${cluster}`)));
    const login = await server.aws("ecr", "get-login-password");
    assert.equal(login.code, 0, login.stderr);
    assert.ok((await root.send(new DescribeClustersCommand({ clusters: [cluster] }))).clusters?.length === 1);
  });
});

