import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { orphans } from "./orphaned-agents.js";

describe("orphaned agents: which agents' replica went silent", () => {
  const now = 100_000;
  const replicas = new Map([
    ["alive", now - 1000],
    ["silent", now - 9000],
  ]);
  const instance = (arn: string, agentReplica: string | undefined, agentConnected = true) => ({ arn, agentReplica, agentConnected });

  it("takes an agent for away since its replica was last heard, once that is longer ago than the bound", () => {
    assert.deepEqual(orphans([instance("i-1", "silent"), instance("i-2", "alive")], replicas, now, 5000), [{ arn: "i-1", sinceMs: now - 9000 }]);
  });

  it("takes a replica never heard of for silent since now", () => {
    assert.deepEqual(orphans([instance("i-3", "gone")], replicas, now, 5000), [{ arn: "i-3", sinceMs: now }]);
  });

  it("leaves agents already away, and agents of a store without replicas", () => {
    assert.deepEqual(orphans([instance("i-4", "silent", false), instance("i-5", undefined)], replicas, now, 5000), []);
  });

  it("counts a replica heard exactly at the bound as alive", () => {
    assert.deepEqual(orphans([instance("i-6", "silent")], replicas, now, 9000), []);
  });
});
