import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TaskRoleCredentials } from "../../agent-protocol/task-credentials.js";
import { LogClients } from "./log-clients.js";

const taskA = "arn:aws:ecs:us-east-1:123456789012:task/c/aaaa";
const taskB = "arn:aws:ecs:us-east-1:123456789012:task/c/bbbb";

/** Credentials as GetTaskRoleCredentials would give them: one session per task, `expiresInMs` from now. */
function sessions(expiresInMs: number) {
  const asked: string[] = [];
  const fetch = (taskArn: string): Promise<TaskRoleCredentials> => {
    asked.push(taskArn);
    const n = asked.length;
    return Promise.resolve({ roleArn: "arn:aws:iam::123456789012:role/exec", accessKeyId: `ASIA${n}`, secretAccessKey: `secret-${n}`, sessionToken: `token-of-${taskArn}`, expiration: Date.now() + expiresInMs });
  };
  return { asked, fetch };
}

const resolve = async (lease: { logs: { config: { credentials: () => Promise<{ accessKeyId: string; sessionToken?: string }> } } }) => lease.logs.config.credentials();

describe("the clients awslogs lines go out with", () => {
  it("a task without an execution role ships as the agent; with one, as a session of its own task's role", async () => {
    const { asked, fetch } = sessions(3_600_000);
    const clients = new LogClients({ endpoint: "http://127.0.0.1:1", region: "us-east-1", agentCredentials: { accessKeyId: "AKIAAGENT", secretAccessKey: "s" }, executionRoleCredentials: fetch });
    const agent = clients.lease({ group: "/g", createGroup: false });
    assert.equal((await resolve(agent)).accessKeyId, "AKIAAGENT");
    const a = clients.lease({ group: "/g", createGroup: false, executionRoleOf: taskA });
    const b = clients.lease({ group: "/g", createGroup: false, executionRoleOf: taskB });
    assert.equal((await resolve(a)).sessionToken, `token-of-${taskA}`);
    assert.equal((await resolve(b)).sessionToken, `token-of-${taskB}`, "one task never ships with another's role");
    assert.deepEqual(asked, [taskA, taskB]);
    // Good for an hour: asked once, not per call.
    await resolve(a);
    assert.deepEqual(asked, [taskA, taskB]);
    for (const l of [agent, a, b]) l.release();
    clients.close();
  });

  it("credentials about to expire are asked for again", async () => {
    const { asked, fetch } = sessions(1_000);
    const clients = new LogClients({ endpoint: "http://127.0.0.1:1", region: "us-east-1", agentCredentials: { accessKeyId: "AKIAAGENT", secretAccessKey: "s" }, executionRoleCredentials: fetch });
    const a = clients.lease({ group: "/g", createGroup: false, executionRoleOf: taskA });
    const first = await resolve(a);
    const second = await resolve(a);
    assert.notEqual(first.accessKeyId, second.accessKeyId);
    assert.ok(asked.length >= 2, `asked ${asked.length} times`);
    a.release();
    clients.close();
  });
});
