import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { RunTaskCommand, StopTaskCommand, type Task } from "@aws-sdk/client-ecs";
import { BerthCluster, docker, inspect, sleep } from "./support/berth-cluster.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";
import { until } from "./support/until.js";

/** Acceptance: an agent killed with SIGKILL and started again with the same data dir takes its containers back. */
describe("agent: kill -9 and restart", () => {
  let cluster: BerthCluster;
  let arns: string[];
  /** Docker id per task, as DescribeTasks showed it before the kill. */
  let runtimeIds: Map<string, string>;

  before(async () => {
    cluster = await BerthCluster.start({ name: "agent-restart" });
    const td = await cluster.register(aTaskDefinition("survivor", [aContainer({ name: "web", portMappings: [{ containerPort: 80 }] })]));
    const out = await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition: td, count: 3 }));
    arns = out.tasks!.map((t) => t.taskArn!);
    const running = await cluster.waitForTasks(arns, (t) => t.lastStatus === "RUNNING", 20_000, "three tasks RUNNING");
    runtimeIds = new Map(running.map((t) => [t.taskArn!, t.containers![0]!.runtimeId!]));
  });
  after(async () => {
    keepPolling = false;
    await polling?.catch(() => undefined);
    await cluster.stop();
  });

  /** What is wrong with one DescribeTasks answer: every task should be RUNNING with the container it had before the kill. */
  const problems = (tasks: Task[]): string[] =>
    tasks.length !== 3
      ? [`${tasks.length} tasks described`]
      : tasks.flatMap((t) => {
          const c = t.containers![0]!;
          const wrong = [
            t.lastStatus !== "RUNNING" && `lastStatus ${t.lastStatus}`,
            t.desiredStatus !== "RUNNING" && `desiredStatus ${t.desiredStatus}`,
            c.lastStatus !== "RUNNING" && `container ${c.lastStatus}`,
            c.runtimeId !== runtimeIds.get(t.taskArn!) && `container ${c.runtimeId} instead of ${runtimeIds.get(t.taskArn!)}`,
          ].filter((w): w is string => typeof w === "string");
          return wrong.map((w) => `${t.taskArn!.split("/").pop()}: ${w}`);
        });

  /** Polls DescribeTasks every 200 ms from the kill until after the restart, recording anything wrong. */
  let seen: string[] = [];
  let polls = 0;
  let polling: Promise<void> | undefined;
  let keepPolling = true;
  const poll = async () => {
    while (keepPolling) {
      seen.push(...problems(await cluster.describeTasks(arns)).map((p) => `poll ${polls}: ${p}`));
      polls++;
      await sleep(200);
    }
  };
  const instanceConnected = async (arn: string) => (await cluster.describeInstances([arn]))[0]?.agentConnected;

  it("keeps the tasks RUNNING in DescribeTasks while the agent is down, and marks the instance disconnected", async () => {
    const agent = cluster.agents[0]!;
    seen = [];
    polling = poll();
    await agent.kill("SIGKILL");
    for (const id of runtimeIds.values()) assert.equal((await inspect(id)).State.Status, "running", "containers outlive their agent");
    await until("agentConnected false", async () => ((await instanceConnected(agent.containerInstanceArn)) === false ? true : undefined), { timeoutMs: 10_000 });
    // Several DescribeTasks answers from after the server saw the agent go, not a length of time.
    const pollsAtDisconnect = polls;
    await until("three polls after the disconnect", () => (polls >= pollsAtDisconnect + 3 ? true : undefined), { timeoutMs: 10_000 });
    assert.deepEqual(seen, [], "DescribeTasks while the agent is down");
  });

  it("takes the same containers back after a restart with the same data dir: no duplicates, nothing restarted", async () => {
    const agent = cluster.agents[0]!;
    const before = agent.containerInstanceArn;
    const startedAt = new Map(await Promise.all([...runtimeIds.values()].map(async (id) => [id, (await inspect(id)).State.StartedAt] as const)));
    await agent.start();
    assert.equal(agent.containerInstanceArn, before, "re-registers as the same container instance");
    await until("agentConnected true again", async () => ((await instanceConnected(before)) === true ? true : undefined), { timeoutMs: 10_000 });
    // Long enough for the agent to have acted on the server's manifest, were it to act wrongly. A
    // sleep, named: the agent acknowledges the manifest only to the server, and nothing outside
    // either process (API, introspection, logs at warn) shows that acknowledgement yet.
    await sleep(2000);
    keepPolling = false;
    await polling;
    assert.ok(polls > 10, `DescribeTasks was polled throughout (${polls} times)`);
    assert.deepEqual(seen, [], "DescribeTasks from the kill until after the restart");
    const ids = await cluster.containerIds();
    assert.deepEqual(ids.sort(), [...runtimeIds.values()].sort(), "exactly the three containers, no duplicates");
    for (const id of ids) assert.equal((await inspect(id)).State.StartedAt, startedAt.get(id), "not restarted");
    const listed = (await agent.introspect("/v1/tasks")).body as { Tasks: Array<{ Arn: string; KnownStatus: string; Containers: Array<{ DockerId: string }> }> };
    assert.deepEqual(listed.Tasks.map((t) => t.Arn).sort(), [...arns].sort());
    for (const t of listed.Tasks) {
      assert.equal(t.KnownStatus, "RUNNING");
      assert.deepEqual(t.Containers.map((c) => c.DockerId), [runtimeIds.get(t.Arn)]);
    }
  });

  it("still serves each adopted container its task metadata at the URI it was started with", async () => {
    for (const [arn, id] of runtimeIds) {
      const text = await docker("exec", id, "sh", "-c", 'wget -qO- "$ECS_CONTAINER_METADATA_URI_V4/task"');
      assert.equal((JSON.parse(text) as { TaskARN: string }).TaskARN, arn);
    }
  });

  it("still stops an adopted task", async () => {
    await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: arns[0]!, reason: "after restart" }));
    const [task] = await cluster.waitForTasks([arns[0]!], (t) => t.lastStatus === "STOPPED", 15_000, "the adopted task STOPPED");
    assert.equal(task!.stoppedReason, "after restart");
    assert.equal(task!.containers![0]!.exitCode, 0);
    assert.equal((await inspect(runtimeIds.get(arns[0]!)!)).State.Status, "exited");
  });

  it("stops a task whose essential container died while the agent was down, once the agent is back", async () => {
    const agent = cluster.agents[0]!;
    const [victim, bystander] = [arns[1]!, arns[2]!];
    await agent.kill("SIGKILL");
    await docker("kill", runtimeIds.get(victim)!);
    await agent.start();
    const [task] = await cluster.waitForTasks([victim], (t) => t.lastStatus === "STOPPED", 15_000, "the task whose container died STOPPED");
    assert.equal(task!.stopCode, "EssentialContainerExited");
    assert.equal(task!.stoppedReason, "Essential container in task exited");
    assert.equal(task!.containers![0]!.exitCode, 137);
    const [other] = await cluster.describeTasks([bystander]);
    assert.equal(other!.lastStatus, "RUNNING");
    assert.equal(other!.containers![0]!.runtimeId, runtimeIds.get(bystander));
  });

  it("stops a task that StopTask stopped while the agent was down, once the agent is back", async () => {
    const agent = cluster.agents[0]!;
    const task = arns[2]!;
    await agent.kill("SIGKILL");
    const out = await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task, reason: "stopped while the agent was away" }));
    assert.equal(out.task?.lastStatus, "RUNNING", "nobody has stopped it yet");
    await agent.start();
    const [stopped] = await cluster.waitForTasks([task], (t) => t.lastStatus === "STOPPED", 15_000, "the task STOPPED");
    assert.equal(stopped!.stopCode, "UserInitiated");
    assert.equal(stopped!.stoppedReason, "stopped while the agent was away");
    assert.equal((await inspect(runtimeIds.get(task)!)).State.Status, "exited");
  });
});
