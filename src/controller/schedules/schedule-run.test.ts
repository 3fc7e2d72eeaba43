import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { timed } from "../../domain/schedules/schedule-timing.js";
import type { ScheduleRecord } from "../../state/schedule-records.js";
import { afterScheduleRun, scheduleDue } from "./schedule-run.js";

const t0 = Date.parse("2026-11-29T06:00:00Z");
const minute = 60_000;

function aSchedule(o: Partial<ScheduleRecord> = {}): ScheduleRecord {
  return timed(
    {
      group: "default",
      name: "s",
      arn: "arn:aws:scheduler:us-east-1:000000000000:schedule/default/s",
      version: 1,
      scheduleExpression: "rate(5 minutes)",
      state: "ENABLED",
      flexibleTimeWindow: { Mode: "OFF" },
      actionAfterCompletion: "NONE",
      target: { Arn: "arn:aws:ecs:us-east-1:000000000000:cluster/c", RoleArn: "arn:aws:iam::000000000000:role/r", EcsParameters: { TaskDefinitionArn: "app:1" } },
      createdAtMs: t0,
      modifiedAtMs: t0,
      anchorMs: t0,
      invocations: [],
      ...o,
    },
    t0,
  );
}
const started = { targetId: "schedule", taskArns: ["arn:task/1"] };
const nothing = { targetId: "schedule", taskArns: [], failure: "1 of 1 tasks not placed: RESOURCE:MEMORY" };

describe("Scheduler schedule runs", () => {
  it("is due at its next due time, not before; several missed make one run, the newest", () => {
    const s = aSchedule();
    assert.equal(scheduleDue(s, t0 + 5 * minute - 1), undefined);
    assert.deepEqual(scheduleDue(s, t0 + 5 * minute), { dueMs: t0 + 5 * minute, attempt: 1 });
    assert.deepEqual(scheduleDue(s, t0 + 23 * minute), { dueMs: t0 + 20 * minute, attempt: 1 });
    assert.equal(scheduleDue({ ...s, state: "DISABLED" }, t0 + 23 * minute), undefined);
  });

  it("after a run: the next due time follows the one run, and the outcome is recorded", () => {
    const s = aSchedule();
    const after = afterScheduleRun(s, { dueMs: t0 + 20 * minute, attempt: 1 }, started, t0 + 23 * minute);
    assert.deepEqual([after?.lastDueMs, after?.nextDueMs, after?.nextFireMs, after?.version], [t0 + 20 * minute, t0 + 25 * minute, t0 + 25 * minute, 2]);
    assert.deepEqual(after?.invocations, [{ dueMs: t0 + 20 * minute, atMs: t0 + 23 * minute, targets: [started] }]);
    assert.equal(after && scheduleDue(after, t0 + 24 * minute), undefined, "the run made is not made again");
  });

  it("a run that started nothing is tried again with backoff, within the RetryPolicy, then given up", () => {
    const s = aSchedule({ scheduleExpression: "at(2026-11-29T07:00:00)", target: { ...aSchedule().target, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600 } } });
    const due = Date.parse("2026-11-29T07:00:00Z");
    assert.equal(s.nextFireMs, due);
    const first = afterScheduleRun(s, { dueMs: due, attempt: 1 }, nothing, due);
    assert.deepEqual(first?.retry, { dueMs: due, attempt: 1, atMs: due + 1000 });
    assert.equal(first?.nextFireMs, due + 1000, "the retry's time is when the runner reads it due");
    assert.deepEqual(first && scheduleDue(first, due + 1000), { dueMs: due, attempt: 2 });
    const second = first && afterScheduleRun(first, { dueMs: due, attempt: 2 }, nothing, due + 1000);
    assert.deepEqual(second?.retry, { dueMs: due, attempt: 2, atMs: due + 3000 });
    const third = second && afterScheduleRun(second, { dueMs: due, attempt: 3 }, nothing, due + 3000);
    assert.deepEqual([third?.retry, third?.nextFireMs, third?.invocations.length], [undefined, undefined, 3], "two retries, then none: the at() has no run left");
    const late = afterScheduleRun(s, { dueMs: due, attempt: 1 }, nothing, due + 600_000);
    assert.equal(late?.retry, undefined, "past MaximumEventAgeInSeconds");
    const partly = afterScheduleRun(s, { dueMs: due, attempt: 1 }, { ...nothing, taskArns: ["arn:task/1"] }, due);
    assert.equal(partly?.retry, undefined, "tasks started: not tried again (that would start them twice)");
  });

  it("ActionAfterCompletion DELETE: gone after its last run, kept while a retry is pending", () => {
    const s = aSchedule({ scheduleExpression: "at(2026-11-29T07:00:00)", actionAfterCompletion: "DELETE" });
    const due = Date.parse("2026-11-29T07:00:00Z");
    assert.equal(afterScheduleRun(s, { dueMs: due, attempt: 1 }, started, due), undefined);
    assert.notEqual(afterScheduleRun(s, { dueMs: due, attempt: 1 }, nothing, due), undefined);
    assert.notEqual(afterScheduleRun(aSchedule({ actionAfterCompletion: "DELETE" }), { dueMs: t0 + 5 * minute, attempt: 1 }, started, t0 + 5 * minute), undefined, "a rate has runs left");
  });
});
