import { describe, it, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { pino } from "pino";
import { nextDue } from "../../domain/schedules/rule-schedule.js";
import { timed } from "../../domain/schedules/schedule-timing.js";
import type { EventRuleRecord } from "../../state/event-rule-records.js";
import type { ScheduleRecord } from "../../state/schedule-records.js";
import type { Store } from "../../state/store.js";
import { aStoreFileWorld } from "../../../test/support/store-file-world.js";
import { ScheduleRunner } from "./runner.js";

const t0 = Date.parse("2026-11-29T05:00:00Z");
const minute = 60_000;
const partition = { region: "us-east-1", accountId: "000000000000" };

function aScheduledRule(name: string, taskDefinition: string, count = 1): EventRuleRecord {
  const rule = {
    name,
    arn: `arn:aws:events:us-east-1:000000000000:rule/${name}`,
    version: 1,
    state: "ENABLED" as const,
    scheduleExpression: "rate(1 minute)",
    createdBy: "000000000000",
    targets: [{ target: { Id: "t", Arn: "arn:aws:ecs:us-east-1:000000000000:cluster/c", EcsParameters: { TaskDefinitionArn: taskDefinition, TaskCount: count } }, overrides: { containerOverrides: [{ name: "app", command: ["clean"] }] } }],
    anchorMs: t0,
    invocations: [],
  };
  return { ...rule, nextFireMs: nextDue(rule, t0) };
}

/** A store file with cluster `c`, one instance and `app:1`; `open` gives a runner (a server) on it, with a clock the test moves. */
async function aWorld(t: TestContext) {
  const clock = { now: t0 };
  const { server, first, startedByRule: tasksOf } = await aStoreFileWorld(
    t,
    "berth-schedules-",
    // The test ticks by hand: the runner's own timer never fires during it.
    (store, planner) => new ScheduleRunner({ store, planner, partition, logger: pino({ level: "silent" }), now: () => clock.now, tickMs: 3_600_000, firstRunAfterMs: 3_600_000 }),
  );
  return { clock, server, first, tasksOf };
}

describe("ScheduleRunner", () => {
  it("starts a due rule's tasks once, with the target's overrides, and the next run a period later", async (t) => {
    const { clock, first, tasksOf } = await aWorld(t);
    const { store, runner } = first;
    await store.write((tx) => tx.eventRules.put(aScheduledRule("clean", "app", 2)));
    clock.now = t0 + minute - 1;
    assert.equal(await runner.runDue(), 0);
    clock.now = t0 + minute + 500;
    assert.equal(await runner.runDue(), 2);
    assert.equal(await runner.runDue(), 0, "a run already made is not made again");
    const tasks = await tasksOf(store, "clean");
    assert.equal(tasks.length, 2);
    assert.deepEqual(tasks[0]?.overrides.containerOverrides?.[0]?.command, ["clean"]);
    const rule = await store.read((tx) => tx.eventRules.get("clean"));
    assert.deepEqual({ last: rule?.lastFireMs, next: rule?.nextFireMs, runs: rule?.invocations.length }, { last: t0 + minute, next: t0 + 2 * minute, runs: 1 });
    assert.deepEqual([...(rule?.invocations[0]?.targets[0]?.taskArns ?? [])].sort(), tasks.map((x) => x.arn).sort());
    clock.now = t0 + 2 * minute;
    assert.equal(await runner.runDue(), 2);
  });

  it("two runners on one store (two servers, or a tick overlapping the last) start a due run once", async (t) => {
    const { clock, first, server, tasksOf } = await aWorld(t);
    await first.store.write((tx) => tx.eventRules.put(aScheduledRule("once", "app")));
    const second = server(first.store);
    clock.now = t0 + minute;
    const started = await Promise.all([first.runner.runDue(), second.runner.runDue(), first.runner.runDue()]);
    assert.equal(started.reduce((a, b) => a + b, 0), 1);
    assert.equal((await tasksOf(first.store, "once")).length, 1);
  });

  it("across a restart, a run made is not repeated, and runs missed while down make one", async (t) => {
    const { clock, first, server, tasksOf } = await aWorld(t);
    await first.store.write((tx) => tx.eventRules.put(aScheduledRule("r", "app")));
    clock.now = t0 + minute;
    assert.equal(await first.runner.runDue(), 1);
    await first.runner.stop();
    await first.store.close();
    // Down for ten minutes: one run at the restart, for the newest due time.
    clock.now = t0 + 11 * minute + 20_000;
    const again = server();
    assert.equal(await again.runner.runDue(), 1);
    assert.equal(await again.runner.runDue(), 0);
    assert.equal((await tasksOf(again.store, "r")).length, 2);
    const rule = await again.store.read((tx) => tx.eventRules.get("r"));
    assert.deepEqual({ last: rule?.lastFireMs, next: rule?.nextFireMs }, { last: t0 + 11 * minute, next: t0 + 12 * minute });
  });

  it("records a run that cannot start its tasks (FailedInvocations) and does not retry it each tick", async (t) => {
    const { clock, first, tasksOf } = await aWorld(t);
    await first.store.write(async (tx) => {
      await tx.eventRules.put(aScheduledRule("missing", "nope"));
      await tx.eventRules.put(aScheduledRule("too-big", "app", 10));
    });
    clock.now = t0 + minute;
    await first.runner.runDue();
    assert.equal(await first.runner.runDue(), 0);
    const missing = await first.store.read((tx) => tx.eventRules.get("missing"));
    assert.match(missing?.invocations[0]?.targets[0]?.failure ?? "", /ClientException: Unable to find task definition 'nope'/);
    assert.equal(missing?.nextFireMs, t0 + 2 * minute);
    assert.equal((await tasksOf(first.store, "missing")).length, 0);
    // TaskCount 10 of a 64 MiB task fits; the outcome lists every task.
    const big = await first.store.read((tx) => tx.eventRules.get("too-big"));
    assert.equal(big?.invocations[0]?.targets[0]?.taskArns.length, 10);
    assert.equal(big?.invocations[0]?.targets[0]?.failure, undefined);
  });

  it("runs a Scheduler schedule's at() once: two runners racing, and across a restart", async (t) => {
    const { clock, first, server } = await aWorld(t);
    const base: ScheduleRecord = {
      group: "default",
      name: "nightly",
      arn: "arn:aws:scheduler:us-east-1:000000000000:schedule/default/nightly",
      version: 1,
      scheduleExpression: "at(2026-11-29T14:01:00)",
      timezone: "Asia/Tokyo",
      state: "ENABLED",
      flexibleTimeWindow: { Mode: "OFF" },
      actionAfterCompletion: "NONE",
      target: { Arn: "arn:aws:ecs:us-east-1:000000000000:cluster/c", RoleArn: "arn:aws:iam::000000000000:role/r", EcsParameters: { TaskDefinitionArn: "app:1", TaskCount: 2 } },
      createdAtMs: t0,
      modifiedAtMs: t0,
      anchorMs: t0,
      invocations: [],
    };
    const at = timed(base, t0);
    // 14:01 in Tokyo is 05:01 UTC: a minute after t0.
    assert.equal(at.nextFireMs, t0 + minute);
    await first.store.write((tx) => tx.schedules.put(at));
    const scheduled = (store: Store) => store.read(async (tx) => (await tx.tasks.list({ cluster: "c", startedBy: "scheduler/default/nightly", limit: 100 })).items);
    clock.now = t0 + minute - 1;
    assert.equal(await first.runner.runDue(), 0);
    clock.now = t0 + minute + 10;
    const second = server(first.store);
    const counts = await Promise.all([first.runner.runDue(), second.runner.runDue()]);
    assert.equal(counts[0] + counts[1], 2, "TaskCount 2, started by one runner");
    await first.runner.stop();
    await first.store.close();
    clock.now = t0 + 10 * minute;
    const again = server();
    assert.equal(await again.runner.runDue(), 0, "nothing left to run after a restart");
    assert.equal((await scheduled(again.store)).length, 2);
    const saved = await again.store.read((tx) => tx.schedules.get("default", "nightly"));
    assert.deepEqual([saved?.lastDueMs, saved?.nextFireMs, saved?.invocations.length], [t0 + minute, undefined, 1]);
  });
});
