import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ContainerDefinition } from "@aws-sdk/client-ecs";
import { allStarted, exitedEssential, nextStarts, preparationFailure, stopOrder, type ContainerFacts } from "./task-plan.js";

const c = (name: string, over: Partial<ContainerFacts> = {}, def: Partial<ContainerDefinition> = {}): ContainerFacts => ({
  name,
  definition: { name, image: "berth-test", ...def },
  status: "NONE",
  health: "UNKNOWN",
  ...over,
});
const dep = (containerName: string, condition: string) => ({ dependsOn: [{ containerName, condition: condition as "START" }] });

describe("task start-up plan", () => {
  it("starts every container without dependencies at once", () => {
    assert.deepEqual(nextStarts([c("a"), c("b")], 0), { kind: "start", containers: ["a", "b"] });
  });

  for (const [condition, depState, expected] of [
    ["START", { status: "NONE" }, "wait"],
    ["START", { status: "RUNNING" }, "start"],
    ["COMPLETE", { status: "RUNNING" }, "wait"],
    ["COMPLETE", { status: "STOPPED", exitCode: 1 }, "start"],
    ["SUCCESS", { status: "RUNNING" }, "wait"],
    ["SUCCESS", { status: "STOPPED", exitCode: 0 }, "start"],
    ["SUCCESS", { status: "STOPPED", exitCode: 1 }, "failed"],
    ["HEALTHY", { status: "RUNNING", health: "UNKNOWN" }, "wait"],
    ["HEALTHY", { status: "RUNNING", health: "HEALTHY" }, "start"],
    ["HEALTHY", { status: "RUNNING", health: "UNHEALTHY" }, "failed"],
    ["HEALTHY", { status: "STOPPED", exitCode: 0 }, "failed"],
  ] as const) {
    it(`${condition} on a dependency that is ${JSON.stringify(depState)}: ${expected}`, () => {
      const decision = nextStarts([c("init", depState, { essential: false }), c("app", {}, dep("init", condition))], 0);
      if (expected === "start") assert.deepEqual(decision, { kind: "start", containers: ["app"] });
      else assert.equal(decision.kind, depState.status === "NONE" && expected === "wait" ? "start" : expected);
    });
  }

  it("says which dependency failed and how", () => {
    const d = nextStarts([c("init", { status: "STOPPED", exitCode: 1 }), c("app", {}, dep("init", "SUCCESS"))], 0);
    assert.equal(d.kind, "failed");
    assert.match(d.kind === "failed" ? d.reason : "", /app needs init to success, and it exited with code 1/);
    assert.equal(d.kind === "failed" ? d.container : "", "app", "names the container that cannot start");
  });

  it("fails a dependent whose dependency's startTimeout ran out since it started, and says when to look again before", () => {
    const db = (over: Partial<ContainerFacts>) => c("db", { status: "RUNNING", startedAtMs: 10_000, ...over }, { startTimeout: 30 });
    const app = (condition: string) => c("app", {}, dep("db", condition));
    assert.deepEqual(nextStarts([db({}), app("HEALTHY")], 39_999), { kind: "wait", recheckAtMs: 40_000 });
    const late = nextStarts([db({}), app("HEALTHY")], 40_000);
    assert.equal(late.kind === "failed" && late.reason, "TaskDependencyError: dependency graph cannot be resolved: container app needs db to healthy within its startTimeout (30 s), and it did not");
    assert.equal(nextStarts([db({}), app("COMPLETE")], 40_000).kind, "failed");
    assert.deepEqual(nextStarts([db({}), app("START")], 40_000), { kind: "start", containers: ["app"] }, "START is met at once, never timed");
    assert.deepEqual(nextStarts([db({ health: "HEALTHY" }), app("HEALTHY")], 90_000), { kind: "start", containers: ["app"] }, "a condition met in time starts it");
    assert.deepEqual(nextStarts([db({ status: "NONE", startedAtMs: undefined }), app("HEALTHY")], 90_000), { kind: "start", containers: ["db"] }, "the timeout counts from the dependency's start");
    assert.deepEqual(nextStarts([c("db", { status: "RUNNING", startedAtMs: 10_000 }), app("HEALTHY")], 90_000), { kind: "wait" }, "no startTimeout, no limit");
  });

  it("counts a task RUNNING once every container started", () => {
    assert.equal(allStarted([c("a", { status: "RUNNING" }), c("b", { status: "NONE" })]), false);
    assert.equal(allStarted([c("a", { status: "RUNNING" }), c("b", { status: "STOPPED", exitCode: 0 })]), true);
  });

  it("stops the task only for an essential container's exit", () => {
    assert.equal(exitedEssential([c("side", { status: "STOPPED" }, { essential: false }), c("app", { status: "RUNNING" })]), undefined);
    assert.equal(exitedEssential([c("app", { status: "STOPPED", exitCode: 3 })])?.name, "app");
  });

  it("stops dependents before their dependencies", () => {
    const order = stopOrder([c("db"), c("app", {}, dep("db", "HEALTHY")), c("proxy", {}, dep("app", "START"))]);
    assert.deepEqual(order, ["proxy", "app", "db"]);
  });
});

describe("task plan: which failure a task that could not be readied reports", () => {
  const cases: Array<[string, Parameters<typeof preparationFailure>[0], string | undefined]> = [
    ["nothing failed", {}, undefined],
    ["a pull, before its isolation's failure", { pull: "CannotPullContainerError: x", isolation: "ResourceInitializationError: y" }, "CannotPullContainerError: x"],
    ["the isolation, before a create's failure", { isolation: "CannotStartContainerError: network gone", create: "CannotCreateContainerError: z" }, "CannotStartContainerError: network gone"],
    ["a create alone", { create: "CannotCreateContainerError: z" }, "CannotCreateContainerError: z"],
  ];
  for (const [name, outcome, expected] of cases) it(name, () => assert.equal(preparationFailure(outcome), expected));
});
