import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Agent } from "node:http";
import { CreateClusterCommand, DescribeTasksCommand, ECSClient, ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from "@aws-sdk/client-ecs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { SimulatedAgent } from "../src/agent/simulated/simulated-agent.js";
import { BerthServer } from "./support/berth-server.js";
import { startSimulatedAgents } from "./support/simulated-cluster.js";

/**
 * Durability under load: RunTask calls of 10 tasks each stream in from 16 clients (a 100,000-task
 * load) and the server is killed with SIGKILL part way. After a restart every task of every
 * acknowledged call is there, each call's tasks are all there or none (a call is one write), and no
 * task is there twice.
 */
describe("kill -9 during a 100,000-task load", () => {
  const cluster = "load";
  const perCall = 10;
  const calls = 10_000;
  const killAfterTasks = 30_000;
  let server: BerthServer;
  let agents: SimulatedAgent[] = [];

  before(async () => {
    server = await BerthServer.start();
    await server.ecs().send(new CreateClusterCommand({ clusterName: cluster }));
    agents = await startSimulatedAgents(server, cluster, Array.from({ length: 50 }, () => ({ cpu: 8192, memory: 32_768 })));
    await server.ecs().send(new RegisterTaskDefinitionCommand({ family: "load", containerDefinitions: [{ name: "app", image: "berth-test", cpu: 2, memory: 8 }] }));
  });
  after(async () => {
    agents.forEach((a) => a.stop());
    await server.stop();
  });

  const client = (endpoint: string) =>
    new ECSClient({
      endpoint,
      region: "us-east-1",
      credentials: server.accessKey,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 16 }) }),
    });

  it("keeps every acknowledged task, each call whole, none twice", async () => {
    const ecs = client(server.endpoint);
    const acknowledged = new Map<string, string[]>();
    let placedTasks = 0;
    let next = 0;
    let killed: Promise<void> | undefined;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let call = next++; call < calls && !killed; call = next++) {
          const token = `load-${call}`;
          try {
            const out = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: "load", count: perCall, startedBy: token, clientToken: token }));
            assert.deepEqual(out.failures, [], "the cluster has room for every task");
            acknowledged.set(token, (out.tasks ?? []).map((t) => t.taskArn!));
            placedTasks += perCall;
            if (placedTasks >= killAfterTasks && !killed) killed = server.kill("SIGKILL");
          } catch (err) {
            if (!killed) throw err; // only calls cut off by the kill may fail
          }
        }
      }),
    );
    await killed;
    assert.ok(acknowledged.size * perCall >= killAfterTasks, "the load ran until the kill");
    agents.forEach((a) => a.stop());
    await server.restart();

    const after = client(server.endpoint);
    const listed: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await after.send(new ListTasksCommand({ cluster, nextToken, maxResults: 100 }));
      listed.push(...(page.taskArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    assert.equal(new Set(listed).size, listed.length, "no task is listed twice");

    const byCall = new Map<string, string[]>();
    for (let i = 0; i < listed.length; i += 100) {
      const out = await after.send(new DescribeTasksCommand({ cluster, tasks: listed.slice(i, i + 100) }));
      assert.deepEqual(out.failures, []);
      for (const t of out.tasks ?? []) byCall.set(t.startedBy!, [...(byCall.get(t.startedBy!) ?? []), t.taskArn!]);
    }
    for (const [token, arns] of byCall) assert.equal(arns.length, perCall, `call ${token} has all its tasks or none`);
    for (const [token, arns] of acknowledged) assert.deepEqual(byCall.get(token)?.sort(), [...arns].sort(), `acknowledged call ${token} is whole after the restart`);
    assert.ok(byCall.size - acknowledged.size <= 16, "at most the calls in flight at the kill were committed unacknowledged");
  });
});
