import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { newId, newTaskId } from "./ids.js";

describe("ids", () => {
  it("are 32 lowercase hex digits, as ECS's", () => {
    for (const id of [newId(), newTaskId(Date.now()), newTaskId(0)]) assert.match(id, /^[0-9a-f]{32}$/);
  });

  it("order tasks by creation time, and differ within one millisecond", () => {
    const t = Date.UTC(2026, 10, 29, 8, 0, 0);
    const ids = [t, t + 1, t + 2, t + 1000, t + 86_400_000].map((ms) => newTaskId(ms));
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(ids[0]!.slice(0, 12), t.toString(16).padStart(12, "0"));
    const same = new Set(Array.from({ length: 1000 }, () => newTaskId(t)));
    assert.equal(same.size, 1000);
  });
});
