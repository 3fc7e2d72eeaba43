import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { aTask } from "../../state/store-builders.js";
import type { TaskRecord } from "../task.js";
import { agentSpec } from "./deactivation.js";

const stopping = (lastStatus: TaskRecord["lastStatus"]): TaskRecord => {
  const t = aTask("t1", { lastStatus });
  return { ...t, spec: { ...t.spec, desiredStatus: "STOPPED" } };
};

describe("what the agent is told about a task asked to stop", () => {
  const cases: readonly [TaskRecord["lastStatus"], "RUNNING" | "STOPPED"][] = [
    ["DEACTIVATING", "RUNNING"], // its targets drain first: the containers keep running
    ["STOPPING", "STOPPED"], // drained: now SIGTERM
    ["RUNNING", "STOPPED"], // not behind a load balancer: at once
    ["PENDING", "STOPPED"],
  ];
  for (const [lastStatus, told] of cases) it(`${lastStatus}: ${told}`, () => assert.equal(agentSpec(stopping(lastStatus)).desiredStatus, told));

  it("a task meant to run is told so, whatever its status", () => assert.equal(agentSpec(aTask("t2", { lastStatus: "RUNNING" })).desiredStatus, "RUNNING"));
});
