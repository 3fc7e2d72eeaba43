import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { RunTaskCommand, StopTaskCommand, type Task } from "@aws-sdk/client-ecs";
import { BerthCluster, docker, inspect } from "./support/berth-cluster.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";
import { until } from "./support/until.js";

/**
 * Acceptance: the agent channel across restarts. The server restarting leaves containers alone;
 * agentConnected follows the agent (the hub pings every second; a ping unanswered for 1.5 s means gone).
 */
describe("agent channel: server restarts and agent connectivity", () => {
  let cluster: BerthCluster;
  let arns: string[];
  let tasks: Task[];

  before(async () => {
    cluster = await BerthCluster.start({ name: "agent-connection" });
    const td = await cluster.register(aTaskDefinition("steady", [aContainer({ name: "web", portMappings: [{ containerPort: 80 }] })]));
    const out = await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: td, count: 2 }));
    arns = out.tasks!.map((t) => t.taskArn!);
    tasks = await cluster.waitForTasks(arns, (t) => t.lastStatus === "RUNNING", 20_000, "two tasks RUNNING");
  });
  after(() => cluster.stop());

  const connected = async (): Promise<boolean | undefined> => (await cluster.describeInstances([cluster.agents[0]!.containerInstanceArn]))[0]?.agentConnected;

  it("leaves running containers alone when the server restarts (SIGTERM, then start again)", async () => {
    const startedAt = await Promise.all(tasks.map(async (t) => (await inspect(t.containers![0]!.runtimeId!)).State.StartedAt));
    await cluster.server.restart();
    await until("the agent reconnected", async () => ((await connected()) ? true : undefined), { timeoutMs: 15_000 });
    const after = await cluster.describeTasks(arns);
    for (const [i, t] of tasks.entries()) {
      const now = after.find((x) => x.taskArn === t.taskArn)!;
      assert.equal(now.lastStatus, "RUNNING");
      assert.equal(now.containers![0]!.runtimeId, t.containers![0]!.runtimeId);
      const state = (await inspect(t.containers![0]!.runtimeId!)).State;
      assert.equal(state.Status, "running");
      assert.equal(state.StartedAt, startedAt[i], "not restarted");
      const res = await fetch(`http://127.0.0.1:${t.containers![0]!.networkBindings![0]!.hostPort!}/`);
      assert.equal(res.status, 200);
    }
    assert.deepEqual((await cluster.containerIds()).sort(), tasks.map((t) => t.containers![0]!.runtimeId!).sort(), "no container added");
  });

  it("still drives the agent after the server restarted: StopTask reaches it", async () => {
    await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: arns[0]!, reason: "after server restart" }));
    const [task] = await cluster.waitForTasks([arns[0]!], (t) => t.lastStatus === "STOPPED", 15_000, "the task STOPPED");
    assert.equal(task!.stoppedReason, "after server restart");
  });

  it("reports what happened while the server was down once it is back: a container that exited then", async () => {
    const td = await cluster.register(aTaskDefinition("short-lived", [aContainer({ name: "web" })]));
    const out = await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: td }));
    const arn = out.tasks![0]!.taskArn!;
    const [running] = await cluster.waitForTasks([arn], (t) => t.lastStatus === "RUNNING", 20_000, "the task RUNNING");
    await cluster.server.restart(async () => {
      await docker("kill", running!.containers![0]!.runtimeId!);
      // The signal that the agent has seen the exit while it cannot report it: its own known status.
      await until("the agent to see the exit", async () => ((await cluster.agents[0]!.introspect(`/v1/tasks?taskarn=${arn}`)).body as { KnownStatus?: string }).KnownStatus === "STOPPED" || undefined, { timeoutMs: 10_000 });
    });
    const [task] = await cluster.waitForTasks([arn], (t) => t.lastStatus === "STOPPED", 15_000, "the task STOPPED after the server came back");
    assert.equal(task!.stopCode, "EssentialContainerExited");
    assert.equal(task!.containers![0]!.exitCode, 137);
  });

  it("shows agentConnected false once the agent is killed, and true again after it restarts", async () => {
    const agent = cluster.agents[0]!;
    assert.equal(await connected(), true);
    await agent.kill("SIGKILL");
    // A closed socket is noticed at once; a silent peer within 2.75 s (agent-hub/liveness.ts).
    await until("agentConnected false", async () => ((await connected()) === false ? true : undefined), { timeoutMs: 8_000 });
    await agent.start();
    await until("agentConnected true", async () => ((await connected()) ? true : undefined), { timeoutMs: 8_000 });
    const [task] = await cluster.describeTasks([arns[1]!]);
    assert.equal(task!.lastStatus, "RUNNING");
  });

  it("shows agentConnected false when the agent goes silent without closing its socket (SIGSTOP)", async () => {
    const agent = cluster.agents[0]!;
    agent.signal("SIGSTOP");
    try {
      const started = Date.now();
      await until("agentConnected false for a silent agent", async () => ((await connected()) === false ? true : undefined), { timeoutMs: 12_000 });
      const noticedMs = Date.now() - started;
      // At least one ping period less than the 2.5 s a ping may wait from being sent; at most 2.75 s plus this machine's slack.
      assert.ok(noticedMs >= 1_500, `not before a ping had the time to go unanswered (${noticedMs} ms)`);
      assert.ok(noticedMs <= 4_000, `noticed within 3 s, give or take the polls (${noticedMs} ms)`);
    } finally {
      agent.signal("SIGCONT");
    }
    await until("agentConnected true after SIGCONT", async () => ((await connected()) ? true : undefined), { timeoutMs: 40_000 });
  });
});
