import { after, afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateClusterCommand, CreateServiceCommand, DescribeContainerInstancesCommand, DescribeTasksCommand, ListTasksCommand, RegisterTaskDefinitionCommand, type ECSClient } from "@aws-sdk/client-ecs";
import type { SimulatedAgent } from "../src/agent/simulated/simulated-agent.js";
import { BerthServer } from "./support/berth-server.js";
import { startSimulatedAgents } from "./support/simulated-cluster.js";
import { SimulatedAgentProcess } from "./support/simulated-agent-process.js";
import { until } from "./support/until.js";

const connected = async (ecs: ECSClient, cluster: string, arns: string[]): Promise<boolean[]> =>
  ((await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: arns }))).containerInstances ?? []).map((i) => i.agentConnected ?? false);

describe("agent liveness", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  after(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("notices a frozen agent (SIGSTOP: connection open, nothing sent) within 3 s and, with --agent-lost-after 3s, runs its service task elsewhere", async (t) => {
    const server = await BerthServer.start(undefined, ["--agent-lost-after", "3s"]);
    cleanups.push(() => server.stop());
    const ecs = server.ecs();
    cleanups.push(() => ecs.destroy());
    await ecs.send(new CreateClusterCommand({ clusterName: "live" }));
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "app", containerDefinitions: [{ name: "app", image: "sim", cpu: 128, memory: 128 }] }));
    const frozen = await SimulatedAgentProcess.start(server, "live", { cpu: 1024, memory: 1024 });
    cleanups.push(() => frozen.stop());
    await ecs.send(new CreateServiceCommand({ cluster: "live", serviceName: "web", taskDefinition: "app", desiredCount: 1 }));
    const first = await until("the service's task RUNNING on the agent that will freeze", async () => {
      const arns = (await ecs.send(new ListTasksCommand({ cluster: "live", serviceName: "web" }))).taskArns ?? [];
      const task = arns.length ? (await ecs.send(new DescribeTasksCommand({ cluster: "live", tasks: arns }))).tasks?.[0] : undefined;
      return task?.lastStatus === "RUNNING" ? task : undefined;
    });
    assert.equal(first.containerInstanceArn, frozen.containerInstanceArn);
    const [other] = (await startSimulatedAgents(server, "live", [{ cpu: 1024, memory: 1024 }])) as [SimulatedAgent];
    cleanups.push(() => other.stop());

    const t0 = Date.now();
    frozen.signal("SIGSTOP");
    await until("the frozen agent marked disconnected", async () => ((await connected(ecs, "live", [frozen.containerInstanceArn]))[0] === false || undefined), { everyMs: 50, timeoutMs: 15_000 });
    const noticedMs = Date.now() - t0;
    const replacement = await until(
      "a replacement task RUNNING on the other instance",
      async () => {
        const arns = (await ecs.send(new ListTasksCommand({ cluster: "live", serviceName: "web", desiredStatus: "RUNNING" }))).taskArns ?? [];
        const tasks = arns.length ? ((await ecs.send(new DescribeTasksCommand({ cluster: "live", tasks: arns }))).tasks ?? []) : [];
        return tasks.find((x) => x.lastStatus === "RUNNING" && x.containerInstanceArn === other.containerInstanceArn);
      },
      { everyMs: 50, timeoutMs: 20_000 },
    );
    const replacedMs = Date.now() - t0;
    t.diagnostic(`frozen agent noticed after ${noticedMs} ms; its task RUNNING elsewhere after ${replacedMs} ms`);
    // The hub's bound is 2.75 s (liveness.ts); a second more for this shared machine and the 50 ms polls.
    assert.ok(noticedMs <= 3_750, `noticed after ${noticedMs} ms`);
    // 3 s of grace counted from when the agent was last heard, a reconcile (every second), a placement and a report.
    assert.ok(replacedMs <= 7_000, `replaced after ${replacedMs} ms`);
    assert.notEqual(replacement.taskArn, first.taskArn);
    const old = (await ecs.send(new DescribeTasksCommand({ cluster: "live", tasks: [first.taskArn!] }))).tasks?.[0];
    assert.equal(old?.desiredStatus, "STOPPED");
  });

  it("loses no agent when the server itself was frozen for 4 s (SIGSTOP): silence counts from pings it sent", async () => {
    const server = await BerthServer.start();
    cleanups.push(() => server.stop());
    cleanups.push(() => server.signal("SIGCONT"));
    const ecs = server.ecs();
    cleanups.push(() => ecs.destroy());
    await ecs.send(new CreateClusterCommand({ clusterName: "busy" }));
    const agents = await startSimulatedAgents(server, "busy", [1, 2, 3].map(() => ({ cpu: 1024, memory: 1024 })));
    cleanups.push(() => agents.forEach((a) => a.stop()));
    const arns = agents.map((a) => a.containerInstanceArn);
    assert.deepEqual(await connected(ecs, "busy", arns), [true, true, true]);
    const manifests = agents.map((a) => a.manifests);

    server.signal("SIGSTOP");
    // The stimulus, not a wait for an outcome: the server's event loop stands still this long.
    await new Promise((r) => setTimeout(r, 4_000));
    const pings = agents.map((a) => a.pingsHeard);
    server.signal("SIGCONT");

    // Three pings after the thaw: the server has run its checks (and any verdict) several times since.
    await until("three pings after the thaw", () => (agents.every((a, i) => a.pingsHeard >= pings[i]! + 3) || undefined), { everyMs: 50 });
    assert.deepEqual(agents.map((a) => a.manifests), manifests, "no agent was dropped and reconnected");
    assert.deepEqual(await connected(ecs, "busy", arns), [true, true, true]);
  });
});
