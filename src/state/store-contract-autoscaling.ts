import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ScalableTargetRecord, ScalingActivityRecord } from "../domain/autoscaling/records.js";
import type { Store } from "./store.js";
import { withNewStore } from "./store-contract-open.js";

const dim = "ecs:service:DesiredCount";
const target = (resourceId: string): ScalableTargetRecord => ({
  resourceId,
  dimension: dim,
  arn: `arn:${resourceId}`,
  minCapacity: 1,
  maxCapacity: 3,
  roleArn: "r",
  suspended: { dynamicScalingInSuspended: false, dynamicScalingOutSuspended: false, scheduledScalingSuspended: false },
  createdAtMs: 0,
});
const activity = (resourceId: string, n: number): ScalingActivityRecord => ({ id: `a${n}`, resourceId, dimension: dim, description: `#${n}`, cause: "c", startMs: n, endMs: n, status: "Successful", statusMessage: "" });

/** The auto scaling repository's behaviour, for every Store: `open()` gives a new, empty store. */
export function autoScalingContract(name: string, open: () => Promise<Store>): void {
  const withStore = withNewStore(open);

  describe(`the auto scaling repository: ${name}`, () => {
    it("deregistering a target deletes its policies and scheduled actions, not another target's", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          for (const id of ["service/c/a", "service/c/b"]) {
            await tx.autoScaling.putTarget(target(id));
            await tx.autoScaling.putPolicy({ arn: `p:${id}`, name: "p", resourceId: id, dimension: dim, type: "StepScaling", alarms: [], createdAtMs: 0 });
            await tx.autoScaling.putScheduledAction({ arn: `s:${id}`, name: "s", resourceId: id, dimension: dim, schedule: "rate(1 minute)", createdAtMs: 0, nextDueMs: 10 });
          }
        });
        await store.write((tx) => tx.autoScaling.deleteTarget("service/c/a", dim));
        const left = await store.read(async (tx) => [
          (await tx.autoScaling.targets()).map((t) => t.resourceId),
          (await tx.autoScaling.policies()).map((p) => p.resourceId),
          (await tx.autoScaling.scheduledActions()).map((a) => a.resourceId),
          (await tx.autoScaling.policyByArn("p:service/c/b"))?.name,
        ]);
        assert.deepEqual(left, [["service/c/b"], ["service/c/b"], ["service/c/b"], "p"]);
      }));

    it("overwrites targets, policies and scheduled actions by key, and reads them back as written", () =>
      withStore(async (store) => {
        const policy = { arn: "p1", name: "p", resourceId: "service/c/a", dimension: dim, type: "StepScaling", alarms: [], createdAtMs: 0 } as const;
        await store.write(async (tx) => {
          await tx.autoScaling.putTarget(target("service/c/a"));
          await tx.autoScaling.putTarget({ ...target("service/c/a"), maxCapacity: 9 });
          await tx.autoScaling.putPolicy(policy);
          await tx.autoScaling.putPolicy({ ...policy, arn: "p2" });
          await tx.autoScaling.putScheduledAction({ arn: "s", name: "s", resourceId: "service/c/a", dimension: dim, schedule: "x", createdAtMs: 0, nextDueMs: 5 });
          await tx.autoScaling.putScheduledAction({ arn: "s", name: "s", resourceId: "service/c/a", dimension: dim, schedule: "x", createdAtMs: 0 });
        });
        assert.deepEqual(await store.read((tx) => tx.autoScaling.target("service/c/a", dim)), { ...target("service/c/a"), maxCapacity: 9 });
        assert.deepEqual(await store.read((tx) => tx.autoScaling.policy("service/c/a", dim, "p")), { ...policy, arn: "p2" });
        assert.equal(await store.read((tx) => tx.autoScaling.policyByArn("p1")), undefined);
        assert.deepEqual(await store.read((tx) => tx.autoScaling.dueScheduledActions(100, 10)), []);
        assert.equal((await store.read((tx) => tx.autoScaling.scheduledAction("service/c/a", dim, "s")))?.nextDueMs, undefined);
        await store.write(async (tx) => {
          await tx.autoScaling.deletePolicy("service/c/a", dim, "p");
          await tx.autoScaling.deleteScheduledAction("service/c/a", dim, "s");
        });
        assert.deepEqual(await store.read(async (tx) => [await tx.autoScaling.policies("service/c/a"), await tx.autoScaling.scheduledActions("service/c/a")]), [[], []]);
      }));

    it("lists due scheduled actions soonest first and never those without a next run", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          for (const [name, due] of [["late", 50], ["soon", 5], ["done", undefined], ["later", 500]] as const) {
            await tx.autoScaling.putScheduledAction({ arn: name, name, resourceId: "service/c/a", dimension: dim, schedule: "x", createdAtMs: 0, nextDueMs: due });
          }
        });
        assert.deepEqual((await store.read((tx) => tx.autoScaling.dueScheduledActions(100, 10))).map((a) => a.name), ["soon", "late"]);
        assert.deepEqual((await store.read((tx) => tx.autoScaling.dueScheduledActions(100, 1))).map((a) => a.name), ["soon"]);
      }));

    it("keeps the newest activities of each resource, listed newest first", () =>
      withStore(async (store) => {
        await store.write(async (tx) => {
          for (let n = 1; n <= 5; n++) await tx.autoScaling.addActivity(activity("service/c/a", n), 3);
          await tx.autoScaling.addActivity(activity("service/c/b", 9), 3);
        });
        assert.deepEqual((await store.read((tx) => tx.autoScaling.activities("service/c/a", 10))).map((a) => a.id), ["a5", "a4", "a3"]);
        assert.deepEqual((await store.read((tx) => tx.autoScaling.activities(undefined, 2))).map((a) => a.id), ["a9", "a5"]);
      }));
  });
}
