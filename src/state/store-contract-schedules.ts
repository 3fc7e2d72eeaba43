import { it } from "node:test";
import assert from "node:assert/strict";
import { ScheduleConflictError, type ScheduleGroupRecord, type ScheduleQuery, type ScheduleRecord } from "./schedule-records.js";
import type { Store } from "./store.js";

type WithStore = (fn: (s: Store) => Promise<void>) => Promise<void>;

const aSchedule = (group: string, name: string, overrides: Partial<ScheduleRecord> = {}): ScheduleRecord => ({
  group,
  name,
  arn: `arn:aws:scheduler:us-east-1:1:schedule/${group}/${name}`,
  version: 1,
  scheduleExpression: "rate(1 hour)",
  state: "ENABLED",
  flexibleTimeWindow: { Mode: "OFF" },
  actionAfterCompletion: "NONE",
  target: { Arn: "arn:aws:ecs:us-east-1:1:cluster/c", RoleArn: "arn:aws:iam::1:role/r" },
  createdAtMs: 0,
  modifiedAtMs: 0,
  anchorMs: 0,
  invocations: [],
  ...overrides,
});

const aGroup = (name: string, modifiedAtMs = 0): ScheduleGroupRecord => ({ name, arn: `arn:aws:scheduler:us-east-1:1:schedule-group/${name}`, createdAtMs: 0, modifiedAtMs });

const names = (page: { readonly items: readonly ScheduleRecord[] }) => page.items.map((s) => `${s.group}/${s.name}`);

/** The EventBridge Scheduler part of the Store contract: conditional saves, listing and filters, due schedules, groups. */
export function schedulesContract(withStore: WithStore): void {
  it("saves schedules conditionally on their version, per group", () =>
    withStore(async (store) => {
      await store.write((tx) => tx.schedules.put(aSchedule("default", "s")));
      await store.write((tx) => tx.schedules.put(aSchedule("other", "s")));
      await assert.rejects(store.write((tx) => tx.schedules.put(aSchedule("default", "s"))), ScheduleConflictError);
      await assert.rejects(store.write((tx) => tx.schedules.put(aSchedule("default", "s", { version: 3 }))), ScheduleConflictError);
      await assert.rejects(store.write((tx) => tx.schedules.put(aSchedule("default", "s", { version: 1.5 }))), ScheduleConflictError, "a version that is no integer");
      await assert.rejects(store.write((tx) => tx.schedules.put(aSchedule("default", "new", { version: 2 }))), ScheduleConflictError);
      await store.write((tx) => tx.schedules.put(aSchedule("default", "s", { version: 2, description: "second" })));
      assert.deepEqual(await store.read((tx) => tx.schedules.get("default", "s")), aSchedule("default", "s", { version: 2, description: "second" }));
      assert.equal((await store.read((tx) => tx.schedules.get("other", "s")))?.version, 1);
      await store.write((tx) => tx.schedules.delete("default", "s"));
      assert.equal(await store.read((tx) => tx.schedules.get("default", "s")), undefined);
      assert.ok(await store.read((tx) => tx.schedules.get("other", "s")));
    }));

  it("lists schedules by group, then name, filtered by group, literal name prefix and state, page by page", () =>
    withStore(async (store) => {
      await store.write(async (tx) => {
        for (const [group, name] of [["g2", "job-a"], ["g1", "job-b"], ["g1", "job_x"], ["g1", "jobs"], ["g1", "other"], ["g2", "job-c"]] as const) await tx.schedules.put(aSchedule(group, name));
        // A NUL in the document: PostgreSQL's JSON operators would refuse to read it.
        await tx.schedules.put(aSchedule("g1", "job-off", { state: "DISABLED", description: "off\u0000" }));
      });
      const list = (q: ScheduleQuery) => store.read((tx) => tx.schedules.list(q));
      const first = await list({ namePrefix: "job", limit: 3 });
      assert.deepEqual([names(first), first.nextAfter], [["g1/job-b", "g1/job-off", "g1/job_x"], "g1/job_x"]);
      const second = await list({ namePrefix: "job", limit: 3, after: first.nextAfter });
      assert.deepEqual([names(second), second.nextAfter], [["g1/jobs", "g2/job-a", "g2/job-c"], undefined]);
      assert.deepEqual(names(await list({ namePrefix: "job_", limit: 10 })), ["g1/job_x"], "an underscore is no wildcard");
      assert.deepEqual(names(await list({ group: "g2", limit: 10 })), ["g2/job-a", "g2/job-c"]);
      assert.deepEqual(names(await list({ state: "DISABLED", limit: 10 })), ["g1/job-off"]);
      assert.deepEqual(names(await list({ group: "g1", state: "ENABLED", namePrefix: "job", limit: 10 })), ["g1/job-b", "g1/job_x", "g1/jobs"]);
      assert.equal(await store.read((tx) => tx.schedules.countInGroup("g1")), 5);
      assert.equal(await store.read((tx) => tx.schedules.countInGroup("none")), 0);
    }));

  it("finds the enabled schedules due by a time, soonest first, to the millisecond's fraction", () =>
    withStore(async (store) => {
      await store.write(async (tx) => {
        await tx.schedules.put(aSchedule("g", "late", { nextFireMs: 300 }));
        await tx.schedules.put(aSchedule("g", "early", { nextFireMs: 100 }));
        await tx.schedules.put(aSchedule("g", "off", { nextFireMs: 50, state: "DISABLED" }));
        await tx.schedules.put(aSchedule("g", "never"));
        // A StartDate in epoch seconds may carry digits below the millisecond; the run times keep them.
        await tx.schedules.put(aSchedule("h", "fraction", { nextFireMs: 200.5 }));
      });
      const due = (nowMs: number, limit = 10) => store.read(async (tx) => (await tx.schedules.due(nowMs, limit)).map((s) => s.name));
      assert.deepEqual(await due(200), ["early"]);
      assert.deepEqual(await due(201), ["early", "fraction"]);
      assert.deepEqual(await due(300), ["early", "fraction", "late"]);
      assert.deepEqual(await due(300, 2), ["early", "fraction"]);
      assert.equal((await store.read((tx) => tx.schedules.get("h", "fraction")))?.nextFireMs, 200.5);
      await store.write(async (tx) => tx.schedules.put(aSchedule("g", "early", { version: 2, nextFireMs: 100, state: "DISABLED" })));
      assert.deepEqual(await due(300), ["fraction", "late"], "a disabled schedule is never due");
    }));

  it("keeps schedule groups, listed by literal name prefix page by page; deleting one deletes its schedules", () =>
    withStore(async (store) => {
      await store.write(async (tx) => {
        for (const n of ["team-b", "team-a", "team_c", "default"]) await tx.schedules.putGroup(aGroup(n));
        await tx.schedules.putGroup(aGroup("team-a", 5));
        for (const n of ["x", "y"]) await tx.schedules.put(aSchedule("team-a", n));
        await tx.schedules.put(aSchedule("team-b", "x"));
      });
      assert.deepEqual(await store.read((tx) => tx.schedules.group("team-a")), aGroup("team-a", 5), "a put replaces");
      const first = await store.read((tx) => tx.schedules.groups({ namePrefix: "team", limit: 2 }));
      assert.deepEqual([first.items.map((g) => g.name), first.nextAfter], [["team-a", "team-b"], "team-b"]);
      const second = await store.read((tx) => tx.schedules.groups({ namePrefix: "team", limit: 2, after: first.nextAfter }));
      assert.deepEqual([second.items.map((g) => g.name), second.nextAfter], [["team_c"], undefined]);
      assert.deepEqual((await store.read((tx) => tx.schedules.groups({ namePrefix: "team_", limit: 10 }))).items.map((g) => g.name), ["team_c"]);
      assert.deepEqual((await store.read((tx) => tx.schedules.groups({ limit: 10 }))).items.map((g) => g.name), ["default", "team-a", "team-b", "team_c"]);
      await store.write((tx) => tx.schedules.deleteGroup("team-a"));
      assert.equal(await store.read((tx) => tx.schedules.group("team-a")), undefined);
      assert.equal(await store.read((tx) => tx.schedules.countInGroup("team-a")), 0);
      assert.deepEqual(names(await store.read((tx) => tx.schedules.list({ limit: 10 }))), ["team-b/x"]);
    }));
}
