import { it } from "node:test";
import assert from "node:assert/strict";
import { EcsEventCursorMoved } from "./ecs-event-records.js";
import { EventRuleConflictError, type EventRuleRecord } from "./event-rule-records.js";
import type { Store } from "./store.js";

type WithStore = (fn: (s: Store) => Promise<void>) => Promise<void>;

const aRule = (name: string, overrides: Partial<EventRuleRecord> = {}): EventRuleRecord => ({
  name,
  arn: `arn:aws:events:us-east-1:1:rule/${name}`,
  version: 1,
  state: "ENABLED",
  scheduleExpression: "rate(1 minute)",
  createdBy: "1",
  targets: [],
  anchorMs: 0,
  invocations: [],
  ...overrides,
});

/** The EventBridge rules part of the Store contract: conditional saves, listing by prefix, due rules by their next due time. */
export function eventRulesContract(withStore: WithStore): void {
  it("saves event rules conditionally on their version", () =>
    withStore(async (store) => {
      await store.write((tx) => tx.eventRules.put(aRule("a")));
      await assert.rejects(store.write((tx) => tx.eventRules.put(aRule("a"))), EventRuleConflictError);
      await assert.rejects(store.write((tx) => tx.eventRules.put(aRule("a", { version: 3 }))), EventRuleConflictError);
      await assert.rejects(store.write((tx) => tx.eventRules.put(aRule("a", { version: 2.5 }))), EventRuleConflictError, "a version that is no integer");
      await store.write((tx) => tx.eventRules.put(aRule("a", { version: 2, description: "second" })));
      assert.equal((await store.read((tx) => tx.eventRules.get("a")))?.description, "second");
      await store.write((tx) => tx.eventRules.delete("a"));
      assert.equal(await store.read((tx) => tx.eventRules.get("a")), undefined);
    }));

  it("lists event rules by name prefix, page by page", () =>
    withStore(async (store) => {
      await store.write(async (tx) => {
        for (const n of ["job-b", "job-a", "other", "job%"]) await tx.eventRules.put(aRule(n));
      });
      const first = await store.read((tx) => tx.eventRules.list({ namePrefix: "job", limit: 2 }));
      assert.deepEqual(first.items.map((r) => r.name), ["job%", "job-a"]);
      const second = await store.read((tx) => tx.eventRules.list({ namePrefix: "job", limit: 2, after: first.nextAfter }));
      assert.deepEqual({ names: second.items.map((r) => r.name), next: second.nextAfter }, { names: ["job-b"], next: undefined });
      assert.deepEqual((await store.read((tx) => tx.eventRules.list({ namePrefix: "job%", limit: 10 }))).items.map((r) => r.name), ["job%"]);
    }));

  it("finds the enabled rules due by a time, soonest first", () =>
    withStore(async (store) => {
      await store.write(async (tx) => {
        await tx.eventRules.put(aRule("late", { nextFireMs: 300 }));
        await tx.eventRules.put(aRule("early", { nextFireMs: 100 }));
        await tx.eventRules.put(aRule("off", { nextFireMs: 50, state: "DISABLED" }));
        await tx.eventRules.put(aRule("pattern", { scheduleExpression: undefined, eventPattern: "{}" }));
      });
      assert.deepEqual((await store.read((tx) => tx.eventRules.due(200, 10))).map((r) => r.name), ["early"]);
      assert.deepEqual((await store.read((tx) => tx.eventRules.due(300, 10))).map((r) => r.name), ["early", "late"]);
      assert.deepEqual((await store.read((tx) => tx.eventRules.due(300, 1))).map((r) => r.name), ["early"]);
      assert.equal(await store.read((tx) => tx.eventRules.soonest()), 100);
    }));

  it("lists the rules with an event pattern, and no scheduled one", () =>
    withStore(async (store) => {
      await store.write(async (tx) => {
        await tx.eventRules.put(aRule("timed", { description: "\u0000" }));
        // A NUL in the document: PostgreSQL's JSON operators would refuse to read it.
        await tx.eventRules.put(aRule("p-b", { scheduleExpression: undefined, eventPattern: '{"source":["aws.ecs"]}', description: "a\u0000b" }));
        await tx.eventRules.put(aRule("p-a", { scheduleExpression: undefined, eventPattern: '{"source":["aws.ecs"]}', state: "DISABLED" }));
      });
      assert.deepEqual((await store.read((tx) => tx.eventRules.withPattern())).map((r) => [r.name, r.description]), [["p-a", undefined], ["p-b", "a\u0000b"]]);
    }));

  it("keeps the ECS events cursor, moved only from where it is, and the states by key", () =>
    withStore(async (store) => {
      assert.equal(await store.read((tx) => tx.ecsEvents.cursor()), undefined);
      await store.write((tx) => tx.ecsEvents.advance(undefined, 5));
      await assert.rejects(store.write((tx) => tx.ecsEvents.advance(undefined, 7)), EcsEventCursorMoved);
      await assert.rejects(store.write((tx) => tx.ecsEvents.advance(4, 7)), EcsEventCursorMoved);
      await store.write(async (tx) => {
        await tx.ecsEvents.advance(5, 9);
        await tx.ecsEvents.setStates(new Map([["task:a", "RUNNING"], ["task:b", "PENDING"]]));
        await tx.ecsEvents.setStates(new Map([["task:a", "STOPPED"]]));
      });
      assert.equal(await store.read((tx) => tx.ecsEvents.cursor()), 9);
      assert.deepEqual([...(await store.read((tx) => tx.ecsEvents.states(["task:a", "task:b", "task:c"])))], [["task:a", "STOPPED"], ["task:b", "PENDING"]]);
      // No task a or b in the store: their states are forgotten.
      assert.equal(await store.write((tx) => tx.ecsEvents.forgetGoneTasks()), 2);
    }));
}
