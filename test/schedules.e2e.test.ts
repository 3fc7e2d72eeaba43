import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { CreateClusterCommand, DescribeTasksCommand, ListTasksCommand, RegisterTaskDefinitionCommand, type ECSClient, type Task } from "@aws-sdk/client-ecs";
import type { SimulatedAgent } from "../src/agent/simulated/simulated-agent.js";
import { BerthServer } from "./support/berth-server.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";
import { startSimulatedAgents } from "./support/simulated-cluster.js";
import { until } from "./support/until.js";

/** Every task a rule started (running or stopped), oldest first. */
async function tasksOf(ecs: ECSClient, cluster: string, rule: string): Promise<Task[]> {
  const arns: string[] = [];
  for (const desiredStatus of ["RUNNING", "STOPPED"] as const) {
    arns.push(...((await ecs.send(new ListTasksCommand({ cluster, startedBy: `events-rule/${rule}`, desiredStatus }))).taskArns ?? []));
  }
  if (arns.length === 0) return [];
  // A task whose desired status changes between the two listings is in both: count it once.
  const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [...new Set(arns)] }));
  return tasks.sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0));
}

/** A server with cluster `sched`, one simulated agent and task definition `job`. */
async function setUp(servers: BerthServer[], agents: SimulatedAgent[], extraArgs: string[] = []): Promise<{ server: BerthServer; ecs: ECSClient; clusterArn: string; taskDefinitionArn: string; own: SimulatedAgent[] }> {
  const server = await BerthServer.start(undefined, extraArgs);
  servers.push(server);
  const ecs = server.ecs();
  const { cluster } = await ecs.send(new CreateClusterCommand({ clusterName: "sched" }));
  const own = await startSimulatedAgents(server, "sched", [{ cpu: 2048, memory: 4096 }]);
  agents.push(...own);
  const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand(aTaskDefinition("job", [aContainer({ name: "app" })])));
  return { server, ecs, clusterArn: cluster?.clusterArn ?? "", taskDefinitionArn: taskDefinition?.taskDefinitionArn ?? "", own };
}

const json = (out: { code: number; stdout: string; stderr: string }): unknown => {
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout || "{}");
};

describe("scheduled rules (aws events) start ECS tasks", { concurrency: true }, () => {
  const servers: BerthServer[] = [];
  const agents: SimulatedAgent[] = [];
  after(async () => {
    agents.forEach((a) => a.stop());
    await Promise.all(servers.map((s) => s.stop()));
  });

  it("rate(1 minute) with an ECS target starts one task a minute, on the real clock, with the target's overrides", async () => {
    const { server, ecs, clusterArn, taskDefinitionArn } = await setUp(servers, agents);
    // Malformed expressions and a rule without schedule or pattern are EventBridge's ValidationException.
    for (const bad of ["rate(1 minutes)", "cron(0 10 * * * *)", "cron(0 10 * * ?)"]) {
      const out = await server.aws("events", "put-rule", "--name", "bad", "--schedule-expression", bad);
      assert.notEqual(out.code, 0);
      assert.match(out.stderr, /ValidationException.*Parameter ScheduleExpression is not valid\./);
    }
    assert.match((await server.aws("events", "describe-rule", "--name", "bad")).stderr, /ResourceNotFoundException.*Rule bad does not exist/);

    const put = json(await server.aws("events", "put-rule", "--name", "every-minute", "--schedule-expression", "rate(1 minute)"));
    assert.deepEqual(put, { RuleArn: `arn:aws:events:us-east-1:${clusterArn.split(":")[4] ?? ""}:rule/every-minute` });
    const target = {
      Id: "job",
      Arn: clusterArn,
      RoleArn: "arn:aws:iam::000000000000:role/ecsEventsRole",
      EcsParameters: { TaskDefinitionArn: taskDefinitionArn, TaskCount: 1, LaunchType: "EC2" },
      Input: JSON.stringify({ containerOverrides: [{ name: "app", environment: [{ name: "RUN", value: "scheduled" }] }] }),
    };
    assert.deepEqual(json(await server.aws("events", "put-targets", "--rule", "every-minute", "--targets", JSON.stringify([target]))), { FailedEntryCount: 0, FailedEntries: [] });
    const listed = json(await server.aws("events", "list-targets-by-rule", "--rule", "every-minute"));
    assert.deepEqual(listed, { Targets: [target] });
    assert.match((await server.aws("events", "delete-rule", "--name", "every-minute")).stderr, /ValidationException.*Rule can't be deleted since it has targets\./);
    const described = json(await server.aws("events", "describe-rule", "--name", "every-minute"));
    assert.equal((described as { State?: string }).State, "ENABLED");
    const createdMs = Date.now();

    const first = await until("the first scheduled task", async () => ((await tasksOf(ecs, "sched", "every-minute")).length >= 1 ? tasksOf(ecs, "sched", "every-minute") : undefined), { timeoutMs: 75_000, everyMs: 1000 });
    assert.equal(first.length, 1);
    const firstMs = first[0]?.createdAt?.getTime() ?? 0;
    assert.ok(firstMs - createdMs > 50_000, `the first run is a minute after the rule was made, not at once (${firstMs - createdMs} ms)`);
    assert.equal(first[0]?.overrides?.containerOverrides?.[0]?.environment?.[0]?.value, "scheduled");
    assert.equal(first[0]?.taskDefinitionArn, taskDefinitionArn);

    const two = await until("the second scheduled task", async () => {
      const t = await tasksOf(ecs, "sched", "every-minute");
      return t.length >= 2 ? t : undefined;
    }, { timeoutMs: 75_000, everyMs: 1000 });
    assert.equal(two.length, 2, "one task per minute, not more");
    const gap = (two[1]?.createdAt?.getTime() ?? 0) - firstMs;
    assert.ok(gap > 55_000 && gap < 65_000, `runs a minute apart (${gap} ms)`);

    // Disabled, the rule starts nothing more; with its target removed it can be deleted.
    json(await server.aws("events", "disable-rule", "--name", "every-minute"));
    json(await server.aws("events", "remove-targets", "--rule", "every-minute", "--ids", "job"));
    json(await server.aws("events", "delete-rule", "--name", "every-minute"));
    assert.deepEqual(json(await server.aws("events", "list-rules")), { Rules: [] });
  });

  it("kill -9 across a due time: after the restart the missed run starts once, and the schedule goes on", async () => {
    const { server, ecs, clusterArn, taskDefinitionArn, own } = await setUp(servers, agents, ["--agent-lost-after", "5s"]);
    json(await server.aws("events", "put-rule", "--name", "survivor", "--schedule-expression", "rate(1 minute)"));
    const target = { Id: "job", Arn: clusterArn, EcsParameters: { TaskDefinitionArn: taskDefinitionArn } };
    json(await server.aws("events", "put-targets", "--rule", "survivor", "--targets", JSON.stringify([target])));
    const dueMs = Date.now() + 60_000;
    await server.kill("SIGKILL");
    // The agent comes back with the server (not after its own reconnect backoff, up to 30 s).
    own.forEach((a) => a.stop());
    // Down across the due time (a wait for time to pass, not for something not to happen).
    await new Promise((r) => setTimeout(r, Math.max(0, dueMs + 2000 - Date.now())));
    await server.restart();
    await Promise.all(own.map((a) => a.start()));

    const missed = await until("the missed run", async () => {
      const t = await tasksOf(ecs, "sched", "survivor");
      return t.length >= 1 ? t : undefined;
    }, { timeoutMs: 40_000, everyMs: 500 });
    assert.equal(missed.length, 1);
    assert.ok((missed[0]?.createdAt?.getTime() ?? 0) > dueMs, "started after the restart");

    // The next run is the schedule's (a minute after the missed due time), and the missed one was not repeated.
    const two = await until("the next run", async () => {
      const t = await tasksOf(ecs, "sched", "survivor");
      return t.length >= 2 ? t : undefined;
    }, { timeoutMs: 75_000, everyMs: 1000 });
    assert.equal(two.length, 2);
    const second = two[1]?.createdAt?.getTime() ?? 0;
    assert.ok(Math.abs(second - (dueMs + 60_000)) < 5_000, `the next run is at its due time (${second - dueMs - 60_000} ms off)`);
  });
});
