import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { advanceStatus, taskStatuses } from "./task-status.js";

describe("task status", () => {
  it("only ever moves forward, for every pair of statuses", () => {
    for (const [i, from] of taskStatuses.entries()) {
      for (const [j, to] of taskStatuses.entries()) {
        assert.equal(advanceStatus(from, to), j > i ? to : from, `${from} then ${to}`);
      }
    }
  });
});
