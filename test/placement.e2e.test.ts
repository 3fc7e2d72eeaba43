import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type ECSClient,
  type Task,
} from "@aws-sdk/client-ecs";
import type { SimulatedAgent } from "../src/agent/simulated/simulated-agent.js";
import { BerthServer } from "./support/berth-server.js";
import { listedTasks } from "./support/services.js";
import { startSimulatedAgents } from "./support/simulated-cluster.js";

const allTasks = (ecs: ECSClient, cluster: string): Promise<Task[]> => listedTasks(ecs, { cluster });

describe("placement through the API, on simulated instances", () => {
  let server: BerthServer;
  const agents: SimulatedAgent[] = [];
  before(async () => {
    server = await BerthServer.start();
  });
  after(async () => {
    agents.forEach((a) => a.stop());
    await server.stop();
  });

  it("1,000 concurrent RunTask calls never oversubscribe an instance or give a host port twice", async () => {
    const ecs = server.ecs();
    const cluster = "crowd";
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    agents.push(...(await startSimulatedAgents(server, cluster, Array.from({ length: 4 }, () => ({ cpu: 1024, memory: 2048 })))));
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "web",
        containerDefinitions: [{ name: "web", image: "berth-test", cpu: 100, memory: 300, portMappings: [{ containerPort: 80, hostPort: 8080 }] }],
      }),
    );
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "mem", containerDefinitions: [{ name: "m", image: "berth-test", cpu: 10, memory: 500 }] }));
    const calls = Array.from({ length: 1000 }, (_, i) => ecs.send(new RunTaskCommand({ cluster, taskDefinition: i % 2 ? "web" : "mem" })));
    const results = await Promise.all(calls);
    const placed = results.reduce((n, r) => n + (r.tasks?.length ?? 0), 0);
    assert.ok(placed >= 4, `some tasks were placed (${placed})`);
    assert.ok(results.some((r) => (r.failures ?? []).length > 0), "the rest were refused with failures");

    const tasks = await allTasks(ecs, cluster);
    assert.equal(tasks.length, placed, "every placed task is listed, no more");
    const byInstance = new Map<string, Task[]>();
    for (const t of tasks) byInstance.set(t.containerInstanceArn ?? "", [...(byInstance.get(t.containerInstanceArn ?? "") ?? []), t]);
    for (const [instance, onIt] of byInstance) {
      const memory = onIt.reduce((n, t) => n + Number(t.memory), 0);
      const cpu = onIt.reduce((n, t) => n + Number(t.cpu), 0);
      assert.ok(memory <= 2048, `${instance} holds ${memory} MiB of 2048`);
      assert.ok(cpu <= 1024, `${instance} holds ${cpu} CPU units of 1024`);
      const port8080 = onIt.filter((t) => t.taskDefinitionArn?.includes("/web:")).length;
      assert.ok(port8080 <= 1, `${instance} gave host port 8080 to ${port8080} tasks`);
    }
    const described = await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: agents.map((a) => a.containerInstanceArn) }));
    for (const ci of described.containerInstances ?? []) {
      const remaining = (name: string) => ci.remainingResources?.find((r) => r.name === name)?.integerValue ?? -1;
      assert.ok(remaining("MEMORY") >= 0 && remaining("CPU") >= 0, `${ci.containerInstanceArn} remaining is never negative`);
    }
  });

  it("says, per reason, how many instances refused a task that cannot be placed", async () => {
    const ecs = server.ecs();
    const cluster = "explained";
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const small = Array.from({ length: 3 }, () => ({ cpu: 1024, memory: 512, attributes: [{ name: "tier", value: "gold" }] }));
    const big = Array.from({ length: 2 }, () => ({ cpu: 1024, memory: 4096 }));
    agents.push(...(await startSimulatedAgents(server, cluster, [...small, ...big])));
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "gold", containerDefinitions: [{ name: "g", image: "berth-test", memory: 1024 }] }));
    const out = await ecs.send(
      new RunTaskCommand({ cluster, taskDefinition: "gold", placementConstraints: [{ type: "memberOf", expression: "attribute:tier == gold" }] }),
    );
    assert.deepEqual(out.tasks, []);
    const reasons = (out.failures ?? []).map((f) => f.reason).sort();
    assert.deepEqual(reasons, ["MemberOf placement constraint unsatisfied.", "MemberOf placement constraint unsatisfied.", "RESOURCE:MEMORY", "RESOURCE:MEMORY", "RESOURCE:MEMORY"]);
    const detail = out.failures?.[0]?.detail ?? "";
    assert.match(detail, /5 instances considered/);
    assert.match(detail, /3 RESOURCE:MEMORY/);
    assert.match(detail, /2 MemberOf placement constraint unsatisfied \(attribute:tier == gold\)/);
    assert.doesNotMatch(detail, /\.\./, "sentences, no doubled periods");
  });

  it("refuses a memberOf expression that does not parse, pointing at the bad token", async () => {
    const ecs = server.ecs();
    await assert.rejects(
      ecs.send(new RunTaskCommand({ cluster: "explained", taskDefinition: "gold", placementConstraints: [{ type: "memberOf", expression: "attribute:tier ==" }] })),
      (e: unknown) => {
        assert.equal((e as Error).name, "InvalidParameterException");
        assert.match((e as Error).message, /position/);
        return true;
      },
    );
  });

  it("runs a retried RunTask (same clientToken) once, and refuses the token for another request", async () => {
    const ecs = server.ecs();
    const cluster = "retried";
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    agents.push(...(await startSimulatedAgents(server, cluster, [{ cpu: 1024, memory: 2048 }])));
    const first = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: "mem", count: 2, clientToken: "deploy-42" }));
    const again = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: "mem", count: 2, clientToken: "deploy-42" }));
    assert.equal(first.tasks?.length, 2);
    assert.deepEqual(again.tasks?.map((t) => t.taskArn), first.tasks?.map((t) => t.taskArn));
    assert.equal((await allTasks(ecs, cluster)).length, 2, "the retry started nothing");
    await assert.rejects(ecs.send(new RunTaskCommand({ cluster, taskDefinition: "mem", count: 1, clientToken: "deploy-42" })), (e: unknown) => {
      assert.equal((e as Error).name, "ConflictException");
      return true;
    });
  });

  it("tags a task with the definition's tags (propagateTags), its own, and ECS's managed cluster tag", async () => {
    const ecs = server.ecs();
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "tagged", containerDefinitions: [{ name: "t", image: "berth-test", memory: 32 }], tags: [{ key: "team", value: "core" }, { key: "env", value: "prod" }] }));
    const out = await ecs.send(
      new RunTaskCommand({ cluster: "retried", taskDefinition: "tagged", propagateTags: "TASK_DEFINITION", enableECSManagedTags: true, tags: [{ key: "env", value: "dev" }] }),
    );
    const arn = out.tasks?.[0]?.taskArn ?? assert.fail(JSON.stringify(out.failures));
    const described = await ecs.send(new DescribeTasksCommand({ cluster: "retried", tasks: [arn], include: ["TAGS"] }));
    const tags: Record<string, string | undefined> = Object.fromEntries((described.tasks?.[0]?.tags ?? []).map((t) => [t.key ?? "", t.value]));
    assert.deepEqual(tags, { team: "core", env: "dev", "aws:ecs:clusterName": "retried" });
  });
});
