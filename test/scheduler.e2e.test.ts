import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { DescribeClustersCommand, ListTasksCommand, type Task } from "@aws-sdk/client-ecs";
import { CreateScheduleCommand, GetScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { BerthCluster } from "./support/berth-cluster.js";
import { aContainer, aTaskDefinition } from "./support/fixtures.js";
import { until } from "./support/until.js";
import { testSdkRetry } from "./support/sdk-retry.js";

const json = (out: { code: number; stdout: string; stderr: string }): unknown => {
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout || "{}");
};

/** `yyyy-mm-ddThh:mm:ss` of an instant on a zone's wall clock, as at() takes it. */
function wallClock(ms: number, zone: string): string {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

/** Acceptance 4, second half: `aws scheduler create-schedule` with at() in a time zone runs one task once, on a real agent. */
describe("EventBridge Scheduler (aws scheduler) runs ECS tasks", () => {
  let cluster: BerthCluster;

  before(async () => {
    cluster = await BerthCluster.start({ name: "scheduler" });
  });
  after(() => cluster.stop());

  const tasksOf = async (schedule: string): Promise<Task[]> => {
    const arns: string[] = [];
    for (const desiredStatus of ["RUNNING", "STOPPED"] as const) arns.push(...((await cluster.ecs.send(new ListTasksCommand({ cluster: cluster.name, startedBy: `scheduler/default/${schedule}`, desiredStatus }))).taskArns ?? []));
    // A task whose desired status changes between the two listings is in both: count it once.
    return arns.length === 0 ? [] : cluster.describeTasks([...new Set(arns)]);
  };

  it("at() in Asia/Tokyo starts one task once, at its time; ActionAfterCompletion DELETE removes a schedule after its run", async () => {
    const { server } = cluster;
    const taskDefinition = await cluster.register(aTaskDefinition("nightly", [aContainer({ command: ["sh", "-c", "exit 0"] })]));
    const clusterArn = (await cluster.ecs.send(new DescribeClustersCommand({ clusters: [cluster.name] }))).clusters?.[0]?.clusterArn ?? "";
    const account = clusterArn.split(":")[4] ?? "";
    const target = (input?: object) => ({
      Arn: clusterArn,
      RoleArn: `arn:aws:iam::${account}:role/scheduler-ecs`,
      EcsParameters: { TaskDefinitionArn: `arn:aws:ecs:us-east-1:${account}:task-definition/${taskDefinition}`, TaskCount: 1, LaunchType: "EC2" as const },
      RetryPolicy: { MaximumEventAgeInSeconds: 600, MaximumRetryAttempts: 3 },
      ...(input && { Input: JSON.stringify(input) }),
    });
    const create = (name: string, expression: string, ...more: string[]) =>
      server.aws("scheduler", "create-schedule", "--name", name, "--schedule-expression", expression, "--flexible-time-window", "Mode=OFF", "--target", JSON.stringify(target({ containerOverrides: [{ name: "app", environment: [{ name: "SCHEDULE", value: name }] }] })), ...more);

    // Scheduler's refusals, each naming what to fix; none makes a schedule.
    const refusals: Array<[string[], RegExp]> = [
      [["bad-zone", "at(2030-01-01T00:00:00)", "--schedule-expression-timezone", "Mars/Olympus"], /ValidationException.*Invalid ScheduleExpressionTimezone 'Mars\/Olympus'/],
      [["bad-at", "at(2030-02-30T00:00:00)"], /ValidationException.*Invalid Schedule Expression at\(2030-02-30T00:00:00\): at\(\) names a date that does not exist/],
      [["no-group", "rate(1 hour)", "--group-name", "nope"], /ResourceNotFoundException.*Schedule group nope does not exist/],
    ];
    for (const [args, message] of refusals) {
      const [name = "", expression = "", ...more] = args;
      const out = await create(name, expression, ...more);
      assert.notEqual(out.code, 0);
      assert.match(out.stderr, message);
    }
    const window = await server.aws("scheduler", "create-schedule", "--name", "w", "--schedule-expression", "rate(1 hour)", "--flexible-time-window", "Mode=FLEXIBLE", "--target", JSON.stringify(target()));
    assert.match(window.stderr, /ValidationException.*A FLEXIBLE FlexibleTimeWindow needs MaximumWindowInMinutes from 1 to 1440/);
    assert.deepEqual(json(await server.aws("scheduler", "list-schedules")), { Schedules: [] });

    const dueMs = Date.now() + 15_000;
    const at = `at(${wallClock(dueMs, "Asia/Tokyo")})`;
    const made = json(await create("once", at, "--schedule-expression-timezone", "Asia/Tokyo", "--description", "one run"));
    assert.deepEqual(made, { ScheduleArn: `arn:aws:scheduler:us-east-1:${account}:schedule/default/once` });
    assert.match((await create("once", at)).stderr, /ConflictException.*Schedule once already exists/);
    const got = json(await server.aws("scheduler", "get-schedule", "--name", "once")) as Record<string, unknown>;
    assert.deepEqual(
      { ...got, CreationDate: undefined, LastModificationDate: undefined },
      {
        Arn: `arn:aws:scheduler:us-east-1:${account}:schedule/default/once`,
        GroupName: "default",
        Name: "once",
        ScheduleExpression: at,
        ScheduleExpressionTimezone: "Asia/Tokyo",
        Description: "one run",
        State: "ENABLED",
        Target: target({ containerOverrides: [{ name: "app", environment: [{ name: "SCHEDULE", value: "once" }] }] }),
        FlexibleTimeWindow: { Mode: "OFF" },
        CreationDate: undefined,
        LastModificationDate: undefined,
      },
    );
    // A second one-time schedule, due after the first, deleted once it has run. Debian's CLI (2.9)
    // predates ActionAfterCompletion: this one is made with the SDK (REST-JSON through the same front door).
    const scheduler = new SchedulerClient({ endpoint: server.endpoint, region: "us-east-1", credentials: server.accessKey, ...testSdkRetry });
    const gone = await scheduler.send(
      new CreateScheduleCommand({ Name: "then-gone", ScheduleExpression: `at(${wallClock(dueMs + 4_000, "UTC")})`, FlexibleTimeWindow: { Mode: "OFF" }, ActionAfterCompletion: "DELETE", Target: target() }),
    );
    assert.equal(gone.ScheduleArn, `arn:aws:scheduler:us-east-1:${account}:schedule/default/then-gone`);
    assert.equal((await scheduler.send(new GetScheduleCommand({ Name: "then-gone" }))).ActionAfterCompletion, "DELETE");

    const first = await until("the scheduled task", async () => {
      const t = await tasksOf("once");
      return t.length > 0 ? t : undefined;
    }, { timeoutMs: 40_000, everyMs: 500 });
    const startedMs = first[0]?.createdAt?.getTime() ?? 0;
    assert.ok(startedMs >= Math.floor(dueMs / 1000) * 1000 && startedMs < dueMs + 5_000, `started at its time (${startedMs - dueMs} ms after)`);
    assert.deepEqual(first[0]?.overrides?.containerOverrides?.[0]?.environment, [{ name: "SCHEDULE", value: "once" }]);
    await cluster.waitForTasks([first[0]?.taskArn ?? ""], (t) => t.lastStatus === "STOPPED" && t.containers?.[0]?.exitCode === 0, 30_000, "the scheduled task run on the agent");

    await until("then-gone deleted after its run", async () => ((await server.aws("scheduler", "get-schedule", "--name", "then-gone")).stderr.includes("ResourceNotFoundException") ? true : undefined), { timeoutMs: 30_000, everyMs: 500 });
    assert.equal((await tasksOf("then-gone")).length, 1);
    // By then the runner had ticked past "once"'s time several times: still one task.
    assert.equal((await tasksOf("once")).length, 1, "one task, once");
    const listed = json(await server.aws("scheduler", "list-schedules")) as { Schedules: Array<{ Name: string; State: string; Target: { Arn: string } }> };
    assert.deepEqual(listed.Schedules.map((s) => [s.Name, s.State, s.Target.Arn]), [["once", "ENABLED", clusterArn]]);
    json(await server.aws("scheduler", "delete-schedule", "--name", "once"));
    assert.match((await server.aws("scheduler", "delete-schedule", "--name", "once")).stderr, /ResourceNotFoundException/);
  });

  it("schedule groups: the default one always, others made, listed and deleted with their schedules", async () => {
    const { server } = cluster;
    assert.deepEqual((json(await server.aws("scheduler", "get-schedule-group", "--name", "default")) as { State: string }).State, "ACTIVE");
    json(await server.aws("scheduler", "create-schedule-group", "--name", "nightly-jobs"));
    assert.match((await server.aws("scheduler", "create-schedule-group", "--name", "nightly-jobs")).stderr, /ConflictException/);
    const groups = json(await server.aws("scheduler", "list-schedule-groups")) as { ScheduleGroups: Array<{ Name: string }> };
    assert.deepEqual(groups.ScheduleGroups.map((g) => g.Name), ["default", "nightly-jobs"]);
    assert.match((await server.aws("scheduler", "delete-schedule-group", "--name", "default")).stderr, /ValidationException.*default schedule group cannot be deleted/);
    json(await server.aws("scheduler", "delete-schedule-group", "--name", "nightly-jobs"));
    assert.match((await server.aws("scheduler", "get-schedule-group", "--name", "nightly-jobs")).stderr, /ResourceNotFoundException/);
  });
});
