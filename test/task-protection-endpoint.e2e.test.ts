import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateServiceCommand, DescribeTasksCommand, GetTaskProtectionCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { BerthCluster, docker } from "./support/berth-cluster.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";
import { serviceTasks } from "./support/services.js";
import { until } from "./support/until.js";

/**
 * The agent's task scale-in protection endpoint, `${ECS_AGENT_URI}/task-protection/v1/state`, with a
 * real agent and real containers: read from inside the container (busybox wget), set with a PUT
 * (from the host, on loopback, where the agent listens too), seen by GetTaskProtection and by the
 * service scheduler's scale-in.
 */
describe("the agent's task-protection endpoint", () => {
  let cluster: BerthCluster;
  before(async () => {
    cluster = await BerthCluster.start({ name: "protect-endpoint", agents: 1, serverArgs: ["--task-healthy-after", "1s"] });
  });
  after(() => cluster.stop());

  it("a container protects its own task; scaling the service to 1 keeps that task", async () => {
    const taskDefinition = await cluster.register(aTaskDefinition("guarded", [aContainer({ command: ["sh", "-c", "sleep 600"] })]));
    await cluster.ecs.send(new CreateServiceCommand({ cluster: cluster.name, serviceName: "guarded", taskDefinition, desiredCount: 2 }));
    const containers = await until(
      "two running containers",
      async () => {
        const ids = (await docker("ps", "-q", "--filter", `label=com.amazonaws.ecs.cluster=${cluster.name}`, "--filter", "label=com.amazonaws.ecs.container-name=app")).trim().split("\n").filter((l) => l !== "");
        return ids.length === 2 ? ids : undefined;
      },
      { timeoutMs: 60_000 },
    );
    const container = containers[0]!;
    const taskArn = (await docker("inspect", "--format", '{{ index .Config.Labels "com.amazonaws.ecs.task-arn" }}', container)).trim();
    const agentUri = /ECS_AGENT_URI=(\S+)/.exec(await docker("exec", container, "env"))?.[1] ?? "";
    assert.match(agentUri, /^http:\/\/[^/]+\/api\/[^/]+$/);
    await until("the task RUNNING", async () => {
      const [t] = (await cluster.ecs.send(new DescribeTasksCommand({ cluster: cluster.name, tasks: [taskArn] }))).tasks ?? [];
      return t?.lastStatus === "RUNNING" ? t : undefined;
    });

    // From inside the container, as an application reads it.
    const inside = JSON.parse(await docker("exec", container, "wget", "-qO-", `${agentUri}/task-protection/v1/state`)) as unknown;
    assert.deepEqual(inside, { protection: { ExpirationDate: null, ProtectionEnabled: false, TaskArn: taskArn } });

    const local = agentUri.replace(/^http:\/\/[^:/]+/, "http://127.0.0.1");
    const put = await fetch(`${local}/task-protection/v1/state`, { method: "PUT", body: JSON.stringify({ ProtectionEnabled: true, ExpiresInMinutes: 60 }) });
    assert.equal(put.status, 200);
    const set = (await put.json()) as { protection: { ExpirationDate: string; ProtectionEnabled: boolean; TaskArn: string } };
    assert.equal(set.protection.ProtectionEnabled, true);
    assert.equal(set.protection.TaskArn, taskArn);
    const minutes = (Date.parse(set.protection.ExpirationDate) - Date.now()) / 60_000;
    assert.ok(minutes > 59 && minutes <= 60, `${minutes} minutes`);

    const bad = await fetch(`${local}/task-protection/v1/state`, { method: "PUT", body: JSON.stringify({ ProtectionEnabled: true, ExpiresInMinutes: 5000 }) });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { Code: string } }).error.Code, "InvalidParameterException");
    const malformed = await fetch(`${local}/task-protection/v1/state`, { method: "PUT", body: "{" });
    assert.equal(malformed.status, 400);

    const got = await cluster.ecs.send(new GetTaskProtectionCommand({ cluster: cluster.name, tasks: [taskArn] }));
    assert.equal(got.protectedTasks?.[0]?.protectionEnabled, true);
    assert.equal(got.protectedTasks?.[0]?.expirationDate?.toISOString(), new Date(set.protection.ExpirationDate).toISOString());

    await cluster.ecs.send(new UpdateServiceCommand({ cluster: cluster.name, service: "guarded", desiredCount: 1 }));
    const [survivor] = await until("scaled in to 1", async () => {
      const tasks = await serviceTasks(cluster.ecs, cluster.name, "guarded");
      return tasks.length === 1 ? tasks : undefined;
    }, { timeoutMs: 30_000 });
    assert.equal(survivor?.taskArn, taskArn, "the task its container protected survived the scale-in");
  });
});
