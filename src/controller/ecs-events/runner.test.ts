import { describe, it, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { pino } from "pino";
import type { TaskRecord } from "../../domain/task.js";
import type { EventRuleRecord } from "../../state/event-rule-records.js";
import { aTask } from "../../state/store-builders.js";
import type { Store } from "../../state/store.js";
import { aStoreFileWorld } from "../../../test/support/store-file-world.js";
import { until } from "../../../test/support/until.js";
import { EcsEventRunner } from "./runner.js";

const partition = { region: "us-east-1", accountId: "000000000000" };
const instanceArn = "arn:aws:ecs:us-east-1:000000000000:container-instance/c/i0";

/** A rule that runs `app` when a task of family `web` stops with `stopCode`. */
function aPatternRule(name: string, stopCode: string): EventRuleRecord {
  return {
    name,
    arn: `arn:aws:events:us-east-1:000000000000:rule/${name}`,
    version: 1,
    state: "ENABLED",
    eventPattern: JSON.stringify({ source: ["aws.ecs"], "detail-type": ["ECS Task State Change"], detail: { lastStatus: ["STOPPED"], stopCode: [stopCode], group: [{ prefix: "family:web" }] } }),
    createdBy: "000000000000",
    targets: [{ target: { Id: "t", Arn: "arn:aws:ecs:us-east-1:000000000000:cluster/c", EcsParameters: { TaskDefinitionArn: "app:1" } } }],
    anchorMs: 0,
    invocations: [],
  };
}

const stopped = (t: TaskRecord, stopCode: "EssentialContainerExited" | "UserInitiated"): TaskRecord => ({ ...t, lastStatus: "STOPPED", spec: { ...t.spec, desiredStatus: "STOPPED" }, stopCode, stoppedAtMs: 1, version: t.version + 1 });

/** A store file with cluster `c`, one instance and `app:1`; `server` opens a runner (a server) on it. */
async function aWorld(t: TestContext) {
  const { server, first, startedByRule: started } = await aStoreFileWorld(
    t,
    "berth-ecs-events-",
    (store, planner) => new EcsEventRunner({ store, planner, partition, logger: pino({ level: "silent" }), now: () => 1_000 }),
  );
  /** Resolves once the runner has read every change committed so far. */
  const caughtUp = async (store: Store) => {
    const head = await store.changes.head();
    await until("the events cursor at the log's head", async () => ((await store.read((tx) => tx.ecsEvents.cursor())) ?? 0) >= head || undefined, { timeoutMs: 10_000, everyMs: 20 });
  };
  return { server, first, started, caughtUp };
}

describe("EcsEventRunner", () => {
  it("runs a rule's target once when a task stops with the stop code its pattern names, and records the invocation", async (t) => {
    const { first, started, caughtUp } = await aWorld(t);
    const { store, runner } = first;
    await store.write((tx) => tx.eventRules.put(aPatternRule("cleanup", "EssentialContainerExited")));
    await runner.start();
    const web = aTask("w1", { containerInstanceArn: instanceArn, lastStatus: "PENDING" });
    const other = { ...aTask("w2", { containerInstanceArn: instanceArn }), group: "family:other" };
    await store.write(async (tx) => {
      await tx.tasks.put(web);
      await tx.tasks.put(other);
    });
    await store.write((tx) => tx.tasks.put({ ...web, lastStatus: "RUNNING", version: 2 }));
    await store.write(async (tx) => {
      await tx.tasks.put(stopped({ ...web, version: 2 }, "EssentialContainerExited"));
      await tx.tasks.put(stopped(other, "EssentialContainerExited"));
    });
    const tasks = await until("the clean-up task", async () => ((await started(store, "cleanup")).length > 0 ? started(store, "cleanup") : undefined));
    await caughtUp(store);
    assert.equal((await started(store, "cleanup")).length, 1, "one task: the other family's stop did not match");
    assert.deepEqual([tasks[0]?.spec.family, tasks[0]?.spec.revision], ["app", 1]);
    const rule = await store.read((tx) => tx.eventRules.get("cleanup"));
    assert.deepEqual(rule?.invocations.map((i) => [i.event?.detailType, i.event?.resource, i.targets[0]?.taskArns]), [["ECS Task State Change", web.arn, [tasks[0]?.arn]]]);
  });

  it("reads on from its cursor after a restart: an event committed while it was down runs its target once, one already run never again", async (t) => {
    const { first, server, started, caughtUp } = await aWorld(t);
    await first.store.write((tx) => tx.eventRules.put(aPatternRule("cleanup", "UserInitiated")));
    await first.runner.start();
    const a = aTask("a", { containerInstanceArn: instanceArn });
    await first.store.write((tx) => tx.tasks.put(a));
    await first.store.write((tx) => tx.tasks.put(stopped(a, "UserInitiated")));
    await until("the first clean-up", async () => ((await started(first.store, "cleanup")).length === 1 ? true : undefined));
    await caughtUp(first.store);
    await first.runner.stop();
    // While no runner reads the log: another task stops, and the stopped one is saved again without a new status.
    const b = aTask("b", { containerInstanceArn: instanceArn });
    await first.store.write((tx) => tx.tasks.put(b));
    await first.store.write(async (tx) => {
      await tx.tasks.put(stopped(b, "UserInitiated"));
      await tx.tasks.put({ ...stopped(a, "UserInitiated"), serviceObserved: true, version: 3 });
    });
    await first.store.close();

    const again = server();
    await again.runner.start();
    await caughtUp(again.store);
    const tasks = await started(again.store, "cleanup");
    assert.equal(tasks.length, 2, "b's stop ran the target; a's stop did not run it again");
    const rule = await again.store.read((tx) => tx.eventRules.get("cleanup"));
    assert.deepEqual(rule?.invocations.map((i) => i.event?.resource), [a.arn, b.arn]);
  });

  it("records a target that cannot start as the invocation's failure", async (t) => {
    const { first, caughtUp } = await aWorld(t);
    const rule = aPatternRule("broken", "UserInitiated");
    await first.store.write((tx) => tx.eventRules.put({ ...rule, targets: [{ target: { Id: "t", Arn: "arn:aws:ecs:us-east-1:000000000000:cluster/c", EcsParameters: { TaskDefinitionArn: "missing:1" } } }] }));
    await first.runner.start();
    const a = aTask("a", { containerInstanceArn: instanceArn });
    await first.store.write((tx) => tx.tasks.put(a));
    await first.store.write((tx) => tx.tasks.put(stopped(a, "UserInitiated")));
    await caughtUp(first.store);
    const saved = await first.store.read((tx) => tx.eventRules.get("broken"));
    assert.match(saved?.invocations[0]?.targets[0]?.failure ?? "", /ClientException: Unable to find task definition 'missing:1'/);
  });
});
