import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { aTaskSpec } from "../task-test-kit.js";
import { credentialsHandler } from "./credentials-handler.js";
import { credentialsEnv, credentialsIdOf, loadOrCreateCredentialsKey } from "./credentials-id.js";
import { TaskCredentials } from "./task-credentials.js";
import { plainIpv4 } from "./task-sources.js";

const taskA = "arn:aws:ecs:us-east-1:123456789012:task/default/aaaa";
const roleArn = "arn:aws:iam::123456789012:role/app";

describe("the task credentials endpoint, in process", () => {
  let server: Server;
  let base = "";
  let fromTaskAnswer = true;
  const asked: { taskArn: string; address: string | undefined }[] = [];
  const creds = new TaskCredentials({
    fetch: () => Promise.resolve({ roleArn, accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "token", expiration: Date.UTC(2030, 0, 1) }),
    idOf: (arn) => `id-${arn.slice(-4)}`,
    now: Date.now,
    logger: pino({ level: "silent" }),
  });

  before(async () => {
    creds.sync([aTaskSpec({ taskArn: taskA, taskRoleArn: roleArn })], false);
    server = createServer(
      credentialsHandler({
        credentials: creds,
        fromTask: (taskArn, address) => {
          asked.push({ taskArn, address });
          return Promise.resolve(fromTaskAnswer);
        },
      }),
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    creds.stop();
    server.close();
  });

  it("answers the task's own containers in the AWS SDKs' container credentials shape", async () => {
    fromTaskAnswer = true;
    const res = await fetch(`${base}/v2/credentials/id-aaaa`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { RoleArn: roleArn, AccessKeyId: "ASIAEXAMPLE", SecretAccessKey: "secret", Token: "token", Expiration: "2030-01-01T00:00:00.000Z" });
    assert.deepEqual(asked.at(-1), { taskArn: taskA, address: "127.0.0.1" });
  });

  it("refuses the right id from anyone else (403), unknown ids as the ECS agent does (400), other methods (405), without the secret", async () => {
    fromTaskAnswer = false;
    for (const [path, method, status, code] of [
      ["/v2/credentials/id-aaaa", "GET", 403, "AccessDenied"],
      ["/v2/credentials/id-zzzz", "GET", 400, "InvalidIdInRequest"],
      ["/v2/credentials/not%20an%20id", "GET", 400, "InvalidIdInRequest"],
      ["/v2/credentials/", "GET", 400, "NoIdInRequest"],
      ["/v1/credentials?id=id-aaaa", "GET", 404, "NotFound"],
      ["/v2/credentials/id-aaaa", "POST", 405, "MethodNotAllowed"],
    ] as const) {
      const res = await fetch(`${base}${path}`, { method });
      const text = await res.text();
      assert.equal(res.status, status, `${method} ${path}`);
      const body = JSON.parse(text) as { code: string; HTTPErrorCode: number };
      assert.deepEqual([body.code, body.HTTPErrorCode], [code, status], `${method} ${path}`);
      assert.doesNotMatch(text, /secret|ASIAEXAMPLE/);
    }
    const unknown = await fetch(`${base}/v2/credentials/id-zzzz`);
    assert.deepEqual(await unknown.json(), { code: "InvalidIdInRequest", message: "CredentialsV2Request: Credentials not found", HTTPErrorCode: 400 });
  });
});

describe("credentials ids", () => {
  it("are UUID-shaped, stable for one key and task, different across tasks and keys", () => {
    const k1 = Buffer.alloc(32, 1);
    const k2 = Buffer.alloc(32, 2);
    const id = credentialsIdOf(k1, taskA);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(credentialsIdOf(k1, taskA), id);
    assert.notEqual(credentialsIdOf(k1, `${taskA}b`), id);
    assert.notEqual(credentialsIdOf(k2, taskA), id);
  });

  it("come from a key kept in the data dir, readable by its owner only, the same after a restart", () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-creds-key-"));
    try {
      const path = join(dir, "task-credentials-key");
      const key = loadOrCreateCredentialsKey(path);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.deepEqual(loadOrCreateCredentialsKey(path), key);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reach a task's containers only when it has a role", () => {
    assert.deepEqual(credentialsEnv("abc", aTaskSpec({ taskRoleArn: roleArn })), { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/abc" });
    assert.deepEqual(credentialsEnv("abc", aTaskSpec()), {});
  });

  it("a dual-stack socket's IPv4 peer is compared as plain IPv4", () => {
    assert.equal(plainIpv4("::ffff:172.17.0.2"), "172.17.0.2");
    assert.equal(plainIpv4("172.17.0.2"), "172.17.0.2");
  });
});
