import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { pino } from "pino";
import type { TaskRoleCredentials, TaskRoleType } from "../../agent-protocol/task-credentials.js";
import { aTaskSpec } from "../task-test-kit.js";
import { renewAtMs, retryDelayMs, TaskCredentials } from "./task-credentials.js";

const roleArn = "arn:aws:iam::123456789012:role/app";
const taskA = "arn:aws:ecs:us-east-1:123456789012:task/default/aaaa";
const taskB = "arn:aws:ecs:us-east-1:123456789012:task/default/bbbb";

/** A control plane that answers every ask with fresh credentials living `lifetimeMs`, or fails while `failing`. */
class FakeControlPlane {
  asks: { taskArn: string; roleType: TaskRoleType }[] = [];
  failing = false;
  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {}
  fetch = (taskArn: string, roleType: TaskRoleType): Promise<TaskRoleCredentials> => {
    this.asks.push({ taskArn, roleType });
    if (this.failing) return Promise.reject(new Error("control plane away"));
    const n = this.asks.length;
    return Promise.resolve({ roleArn, accessKeyId: `ASIA${n}`, secretAccessKey: `s${n}`, sessionToken: `t${n}`, expiration: this.now() + this.lifetimeMs });
  };
  asksFor(taskArn: string): number {
    return this.asks.filter((a) => a.taskArn === taskArn).length;
  }
}

const manager = (plane: FakeControlPlane) =>
  new TaskCredentials({ fetch: plane.fetch, idOf: (arn) => `id-${arn.slice(-4)}`, now: Date.now, logger: pino({ level: "silent" }) });

describe("task credentials: when to renew", () => {
  it("renews at half-life, never sooner than a second after issue", () => {
    assert.equal(renewAtMs(1000, 3_601_000), 1_801_000);
    assert.equal(renewAtMs(1000, 1500), 2000);
  });
  it("backs off from 1 s, doubling, to 30 s", () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 20].map(retryDelayMs), [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
});

describe("task credentials: kept per task", () => {
  it("fetches the task role's credentials for a task with a role only, and serves them by id", async () => {
    const plane = new FakeControlPlane(3_600_000);
    const creds = manager(plane);
    try {
      creds.sync([aTaskSpec({ taskArn: taskA, taskRoleArn: roleArn }), aTaskSpec({ taskArn: taskB })], false);
      const found = await creds.lookup("id-aaaa");
      assert.equal(found?.taskArn, taskA);
      assert.equal(found?.credentials?.accessKeyId, "ASIA1");
      assert.deepEqual(plane.asks, [{ taskArn: taskA, roleType: "TaskApplication" }]);
      assert.equal(await creds.lookup("id-bbbb"), undefined, "a task without a role has none");
      assert.equal(await creds.lookup("nope"), undefined);
      creds.sync([aTaskSpec({ taskArn: taskA, taskRoleArn: roleArn })], false);
      assert.equal(plane.asks.length, 1, "a task seen again is not fetched again");
    } finally {
      creds.stop();
    }
  });

  it("credentials expiring far ahead (another clock, a long session) are renewed within the hour, not in a loop", async () => {
    const plane = new FakeControlPlane(100 * 86_400_000);
    const creds = manager(plane);
    try {
      creds.sync([aTaskSpec({ taskArn: taskA, taskRoleArn: roleArn })], false);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(plane.asksFor(taskA), 1, "a half-life beyond the timer's range once made it fire at once, again and again");
    } finally {
      creds.stop();
    }
  });

  it("forgets a task desired STOPPED, or missing from a complete manifest", async () => {
    const plane = new FakeControlPlane(3_600_000);
    const creds = manager(plane);
    try {
      creds.sync([aTaskSpec({ taskArn: taskA, taskRoleArn: roleArn }), aTaskSpec({ taskArn: taskB, taskRoleArn: roleArn })], true);
      assert.equal(creds.size, 2);
      creds.sync([aTaskSpec({ taskArn: taskA, taskRoleArn: roleArn, desiredStatus: "STOPPED" })], false);
      assert.equal(await creds.lookup("id-aaaa"), undefined);
      creds.sync([], true);
      assert.equal(await creds.lookup("id-bbbb"), undefined);
      assert.equal(creds.size, 0);
    } finally {
      creds.stop();
    }
  });

  it("renews at half-life, retries a failed ask with backoff, serves nothing expired, and stops renewing on stop()", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    let nowMs = 1_000_000;
    const plane = new FakeControlPlane(4000, () => nowMs);
    const creds = new TaskCredentials({ fetch: plane.fetch, idOf: (arn) => `id-${arn.slice(-4)}`, now: () => nowMs, logger: pino({ level: "silent" }) });
    const advance = async (ms: number) => {
      nowMs += ms;
      t.mock.timers.tick(ms);
      await flush();
    };
    creds.sync([aTaskSpec({ taskArn: taskA, taskRoleArn: roleArn })], false);
    await flush();
    const first = (await creds.lookup("id-aaaa"))?.credentials;
    assert.equal(first?.accessKeyId, "ASIA1");
    await advance(1999);
    assert.equal(plane.asksFor(taskA), 1, "not renewed before half-life");
    await advance(1);
    assert.equal(plane.asksFor(taskA), 2, "renewed at half-life");
    assert.equal((await creds.lookup("id-aaaa"))?.credentials?.accessKeyId, "ASIA2");

    plane.failing = true;
    await advance(2000);
    assert.equal(plane.asksFor(taskA), 3, "the next renewal fails");
    await advance(999);
    assert.equal(plane.asksFor(taskA), 3, "no retry before 1 s");
    await advance(1);
    assert.equal(plane.asksFor(taskA), 4, "retried after 1 s");
    assert.equal((await creds.lookup("id-aaaa"))?.credentials?.accessKeyId, "ASIA2", "the last credentials still serve until they expire");
    await advance(2000);
    assert.equal(plane.asksFor(taskA), 5, "retried after 2 s more");
    const lapsed = await creds.lookup("id-aaaa");
    assert.equal(lapsed?.taskArn, taskA);
    assert.equal(lapsed?.credentials, undefined, "the last credentials expired: none served");
    plane.failing = false;
    await advance(4000);
    assert.equal(plane.asksFor(taskA), 6, "retried after 4 s more");
    assert.equal((await creds.lookup("id-aaaa"))?.credentials?.accessKeyId, "ASIA6");

    creds.stop();
    await advance(3_600_000);
    assert.equal(plane.asks.length, 6, "stop() ends every renewal");
    assert.equal(await creds.lookup("id-aaaa"), undefined);
  });
});

/** Lets resolved promises run (setImmediate is not mocked). */
const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};
