import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { DescribeClustersCommand, ListTasksCommand, RunTaskCommand, StopTaskCommand, type Task } from "@aws-sdk/client-ecs";
import { BerthCluster } from "./support/berth-cluster.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";
import { until } from "./support/until.js";

const json = (out: { code: number; stdout: string; stderr: string }): unknown => {
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout || "{}");
};

/** Acceptance 4, first half: a rule on "ECS Task State Change" with lastStatus STOPPED and a stopCode runs a clean-up task on a real agent. */
describe("ECS events (aws events put-rule --event-pattern) run ECS targets", () => {
  let cluster: BerthCluster;

  before(async () => {
    cluster = await BerthCluster.start({ name: "ecs-events" });
  });
  after(() => cluster.stop());

  /** Every task the rule started (running or stopped), oldest first. */
  const cleanups = async (): Promise<Task[]> => {
    const arns: string[] = [];
    for (const desiredStatus of ["RUNNING", "STOPPED"] as const) arns.push(...((await cluster.ecs.send(new ListTasksCommand({ cluster: cluster.name, startedBy: "events-rule/on-failure", desiredStatus }))).taskArns ?? []));
    if (arns.length === 0) return [];
    // A task whose desired status changes between the two listings is in both: count it once.
    return (await cluster.describeTasks([...new Set(arns)])).sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0));
  };
  const runTask = async (taskDefinition: string, command?: string[]): Promise<string> => {
    const out = await cluster.ecs.send(new RunTaskCommand({ cluster: cluster.name, taskDefinition, ...(command && { overrides: { containerOverrides: [{ name: "app", command }] } }) }));
    const arn = out.tasks?.[0]?.taskArn;
    assert.ok(arn, JSON.stringify(out.failures));
    return arn;
  };

  it("runs the target once per matching stop, not for another stop code, with the target's overrides", async () => {
    const { server } = cluster;
    const failing = await cluster.register(aTaskDefinition("failing", [aContainer({ command: ["sh", "-c", "exit 3"] })]));
    const cleanup = await cluster.register(aTaskDefinition("cleanup", [aContainer({ command: ["sh", "-c", "exit 0"] })]));
    const taskDefinition = failing;
    const clusterArn = (await cluster.ecs.send(new DescribeClustersCommand({ clusters: [cluster.name] }))).clusters?.[0]?.clusterArn ?? "";
    const account = clusterArn.split(":")[4] ?? "";

    // A pattern EventBridge would refuse is its InvalidEventPatternException, and makes no rule.
    const refused = await server.aws("events", "put-rule", "--name", "on-failure", "--event-pattern", JSON.stringify({ detail: { stopCode: [{ between: 1 }] } }));
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /InvalidEventPatternException.*Event pattern is not valid\. Reason: unrecognized match type 'between' at 'detail\.stopCode'/);
    assert.match((await server.aws("events", "describe-rule", "--name", "on-failure")).stderr, /ResourceNotFoundException/);

    const pattern = {
      source: ["aws.ecs"],
      "detail-type": ["ECS Task State Change"],
      detail: { clusterArn: [clusterArn], lastStatus: ["STOPPED"], stopCode: ["EssentialContainerExited"], taskDefinitionArn: [{ prefix: `arn:aws:ecs:us-east-1:${account}:task-definition/failing:` }] },
    };
    json(await server.aws("events", "put-rule", "--name", "on-failure", "--event-pattern", JSON.stringify(pattern)));
    const target = {
      Id: "cleanup",
      Arn: clusterArn,
      EcsParameters: { TaskDefinitionArn: cleanup, LaunchType: "EC2" },
      Input: JSON.stringify({ containerOverrides: [{ name: "app", environment: [{ name: "CLEANING", value: "yes" }] }] }),
    };
    assert.deepEqual(json(await server.aws("events", "put-targets", "--rule", "on-failure", "--targets", JSON.stringify([target]))), { FailedEntryCount: 0, FailedEntries: [] });

    // 1. The failing task stops (EssentialContainerExited): the clean-up task runs on the agent.
    const first = await runTask(taskDefinition);
    const [stopped] = await cluster.waitForTasks([first], (t) => t.lastStatus === "STOPPED", 30_000, "the failing task STOPPED");
    assert.equal(stopped?.stopCode, "EssentialContainerExited");
    const ran = await until("the clean-up task run to its end", async () => {
      const t = await cleanups();
      return t[0]?.lastStatus === "STOPPED" ? t : undefined;
    }, { timeoutMs: 40_000, everyMs: 500 });
    assert.equal(ran[0]?.containers?.[0]?.exitCode, 0, "the clean-up container ran on the agent and exited 0");
    assert.equal(ran[0]?.taskDefinitionArn?.endsWith("task-definition/cleanup:1"), true);
    assert.deepEqual(ran[0]?.overrides?.containerOverrides?.[0]?.environment, [{ name: "CLEANING", value: "yes" }]);

    // 2. A task of the same family stopped by the user (UserInitiated) does not match.
    const user = await runTask(taskDefinition, ["sleep", "300"]);
    await cluster.waitForTasks([user], (t) => t.lastStatus === "RUNNING", 30_000, "the sleeping task RUNNING");
    await cluster.ecs.send(new StopTaskCommand({ cluster: cluster.name, task: user }));
    await cluster.waitForTasks([user], (t) => t.lastStatus === "STOPPED", 30_000, "the sleeping task STOPPED");

    // 3. Another failing task: its clean-up is the second. Events are read in the log's order, so
    // by now every earlier event (the user's stop, the first clean-up's own stop) was read too.
    const second = await runTask(taskDefinition);
    const two = await until("the second clean-up task", async () => {
      const t = await cleanups();
      return t.length >= 2 ? t : undefined;
    }, { timeoutMs: 40_000, everyMs: 500 });
    assert.equal(two.length, 2, "one clean-up per failing task: none for the user's stop, none twice");
    assert.ok((two[1]?.createdAt?.getTime() ?? 0) >= ((await cluster.describeTasks([second]))[0]?.stoppedAt?.getTime() ?? Infinity) - 1000, "the second clean-up followed the second failure");
  });
});
