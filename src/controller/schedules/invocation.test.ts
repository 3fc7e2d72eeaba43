import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { EventRuleRecord } from "../../state/event-rule-records.js";
import { nextDue } from "../../domain/schedules/rule-schedule.js";
import { afterRun, dueRun } from "./invocation.js";
import { startedBy, targetRun } from "./target-request.js";

const minute = 60_000;
const t0 = Date.parse("2026-11-29T05:00:00Z");

function aRule(overrides: Partial<EventRuleRecord> = {}): EventRuleRecord {
  const base = { name: "r", arn: "arn:aws:events:us-east-1:1:rule/r", version: 1, state: "ENABLED" as const, scheduleExpression: "rate(1 minute)", createdBy: "1", targets: [], anchorMs: t0, invocations: [] };
  const rule = { ...base, ...overrides };
  return { ...rule, nextFireMs: overrides.nextFireMs ?? nextDue(rule, t0) };
}

/** Runs the rule as the runner does at each of `ticks` (a tick finds it due or not). */
function simulate(rule: EventRuleRecord, ticks: readonly number[]): { rule: EventRuleRecord; runs: number[] } {
  const runs: number[] = [];
  for (const now of ticks) {
    const run = dueRun(rule, now);
    if (!run) continue;
    runs.push(run.dueMs);
    rule = afterRun(rule, run, [], now);
  }
  return { rule, runs };
}

describe("dueRun / afterRun", () => {
  it("a rate rule is due a period after its anchor, once", () => {
    const rule = aRule();
    assert.equal(rule.nextFireMs, t0 + minute);
    assert.equal(dueRun(rule, t0 + minute - 1), undefined);
    const run = dueRun(rule, t0 + minute);
    assert.deepEqual(run, { dueMs: t0 + minute, nextMs: t0 + 2 * minute });
    if (!run) return;
    const after = afterRun(rule, run, [{ targetId: "a", taskArns: ["t"] }], t0 + minute + 5);
    assert.equal(dueRun(after, t0 + minute + 10), undefined, "not due again until the next period");
    assert.equal(after.version, 2);
    assert.deepEqual(after.invocations, [{ dueMs: t0 + minute, atMs: t0 + minute + 5, targets: [{ targetId: "a", taskArns: ["t"] }] }]);
  });

  it("runs missed while down make one run, the newest, then the schedule goes on", () => {
    const { runs, rule } = simulate(aRule(), [t0 + 10 * minute + 30_000, t0 + 10 * minute + 31_000, t0 + 11 * minute]);
    assert.deepEqual(runs, [t0 + 10 * minute, t0 + 11 * minute]);
    assert.equal(rule.nextFireMs, t0 + 12 * minute);
  });

  it("a disabled rule or one without a schedule is never due", () => {
    assert.equal(dueRun(aRule({ state: "DISABLED", nextFireMs: t0 }), t0 + minute), undefined);
    assert.equal(dueRun(aRule({ scheduleExpression: undefined, eventPattern: "{}" }), t0 + 5 * minute), undefined);
  });

  it("keeps the newest 20 invocations", () => {
    const ticks = Array.from({ length: 30 }, (_, i) => t0 + (i + 1) * minute);
    const { rule } = simulate(aRule(), ticks);
    assert.equal(rule.invocations.length, 20);
    assert.equal(rule.invocations.at(-1)?.dueMs, t0 + 30 * minute);
  });

  it("property: whatever the ticks, each due time runs at most once, in order, and none is due when ticks are at least a period apart", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 * 3_600_000 }), { maxLength: 60 }), fc.constantFrom("rate(1 minute)", "rate(5 minutes)", "cron(0/15 * * * ? *)", "cron(0 * ? * MON-FRI *)"), (offsets, expression) => {
        const ticks = [...offsets].sort((a, b) => a - b).map((o) => t0 + o);
        const { runs } = simulate(aRule({ scheduleExpression: expression }), ticks);
        assert.deepEqual([...new Set(runs)], runs);
        assert.deepEqual([...runs].sort((a, b) => a - b), runs);
        for (const [i, r] of runs.entries()) assert.ok(r <= (ticks.find((t) => t >= r) ?? Infinity) && (i === 0 || r > runs[i - 1]!));
      }),
    );
  });
});

describe("targetRun", () => {
  it("turns an EventBridge ECS target into RunTask's request", () => {
    const run = targetRun(
      "nightly.clean-up",
      {
        Id: "t",
        Arn: "arn:aws:ecs:us-east-1:1:cluster/c",
        EcsParameters: { TaskDefinitionArn: "job:3", TaskCount: 3, Group: "g", Tags: [{ Key: "k", Value: "v" }], PropagateTags: "TASK_DEFINITION", EnableECSManagedTags: true, ReferenceId: "ref", LaunchType: "EC2", PlacementConstraints: [{ type: "distinctInstance" }] },
      },
      { containerOverrides: [{ name: "app", command: ["run"] }] },
    );
    assert.equal(run.count, 3);
    assert.deepEqual(run.request, {
      cluster: "arn:aws:ecs:us-east-1:1:cluster/c",
      taskDefinition: "job:3",
      overrides: { containerOverrides: [{ name: "app", command: ["run"] }] },
      group: "g",
      startedBy: "events-rule/nightly_clean-up",
      tags: [{ key: "k", value: "v" }],
      placementConstraints: [{ type: "distinctInstance" }],
      placementStrategy: undefined,
      propagateTags: "TASK_DEFINITION",
      enableECSManagedTags: true,
      referenceId: "ref",
      launchType: "EC2",
      platformVersion: undefined,
      capacityProviderStrategy: undefined,
    });
  });

  it("startedBy stays within what ECS accepts", () => {
    fc.assert(fc.property(fc.stringMatching(/^[.\-_A-Za-z0-9]{1,64}$/), (name) => assert.match(startedBy(name), /^[A-Za-z0-9_/-]{1,128}$/)));
  });
});
