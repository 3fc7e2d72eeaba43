import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCredentialsFile, type AccessKey } from "../src/auth/credentials-file.js";
import { BerthProcess } from "./support/berth-process.js";
import { signedJsonRequest } from "./support/signed-request.js";

/** One raw POST: returns the status and the body's length (the body itself is not kept). */
function post(endpoint: string, headers: Record<string, string>, agent: Agent): Promise<{ status: number; bodyBytes: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(endpoint, { method: "POST", headers: { "content-type": "application/x-amz-json-1.1", ...headers }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, bodyBytes: body.length, body: body.subarray(0, 4096).toString() });
      });
    });
    req.on("error", reject);
    req.end("{}");
  });
}

/** Runs `count` requests, `concurrency` at a time. */
async function flood<T>(count: number, concurrency: number, send: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await send(i);
      }
    }),
  );
  return results;
}

describe("the log stays small whatever clients send", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-logs-"));
  let server: BerthProcess;
  let endpoint = "";
  let key: AccessKey;
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });

  before(async () => {
    // The default log level (info), as users run it; the log itself is only counted.
    server = new BerthProcess(["server", "--port", "0", "--data-dir", dataDir, "--refusal-log-interval", "500ms"], {}, { keepLog: false });
    endpoint = await server.endpoint();
    key = parseCredentialsFile(readFileSync(join(dataDir, "credentials"), "utf8"))!;
  });

  after(async () => {
    agent.destroy();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("1,000 unauthenticated requests with 15 KB headers add less than 1 MB to the log, and get short answers", async () => {
    const big = "A".repeat(15_000);
    const before = server.logBytes;
    const answers = await flood(1000, 16, (i) =>
      i % 5 === 4
        ? // a real target, with a 15 KB Authorization header that is no signature
          post(endpoint, { "x-amz-target": "AmazonEC2ContainerServiceV20141113.ListClusters", authorization: `AWS4-HMAC-SHA256 Credential=${big}` }, agent)
        : // a 15 KB target that names no service
          post(endpoint, { "x-amz-target": `${big}.${i}` }, agent),
    );
    const statuses = new Set(answers.map((a) => a.status));
    assert.deepEqual([...statuses].sort(), [400, 403], "unknown targets get 400, bad signatures 403");
    assert.ok(Math.max(...answers.map((a) => a.bodyBytes)) < 2048, "no answer quotes the 15 KB header whole");
    assert.match(answers[0]!.body, /Unknown X-Amz-Target 'A{64}…\(\+\d+ more\)'/);
    // Wait for the refusal summary (every 500 ms), so that whatever would be logged has been.
    const summaryDue = Date.now() + 1500;
    while (Date.now() < summaryDue) await new Promise((r) => setTimeout(r, 100));
    const grew = server.logBytes - before;
    assert.ok(grew < 1_000_000, `the log grew by ${grew} bytes`);
    assert.ok(grew > 0, "the refusals were summed up in the log");
  });

  it("a signed request with a 900 KB member value gets a bounded message, and the log a bounded line", async () => {
    const huge = "f".repeat(900_000);
    assert.equal((await signedJsonRequest(endpoint, key, "AmazonEC2ContainerServiceV20141113.CreateCluster", "{}")).status, 200);
    const before = server.logBytes;
    // [operation, body, whether the message quotes the value (cut) or refuses it without quoting]
    const cases: [string, string, boolean][] = [
      ["RegisterTaskDefinition", JSON.stringify({ family: huge, containerDefinitions: [{ name: "app", image: "berth-test", memory: 64 }] }), false],
      ["RunTask", JSON.stringify({ taskDefinition: huge }), true],
      ["DescribeClusters", JSON.stringify({ clusters: ["x"], include: [huge] }), true],
      ["TagResource", JSON.stringify({ resourceArn: huge, tags: [{ key: "k", value: "v" }] }), true],
      ["CreateCluster", JSON.stringify({ clusterName: "x", settings: [{ name: huge, value: "enabled" }] }), true],
      ["ListClusters", JSON.stringify({ maxResults: 5, nextToken: 7, [huge]: 1 }), false],
      ["DescribeTasks", JSON.stringify({ tasks: { [huge]: 1 } }), false],
    ];
    for (const [op, body, quotes] of cases) {
      const res = await signedJsonRequest(endpoint, key, `AmazonEC2ContainerServiceV20141113.${op}`, body);
      assert.ok(res.status >= 400 && res.status < 500, `${op}: ${res.status}`);
      const message = typeof res.body.message === "string" ? res.body.message : "";
      assert.ok(message.length > 0 && message.length < 1200, `${op}: a message of ${message.length} characters: ${message.slice(0, 200)}`);
      if (quotes) assert.match(message, /f{20}…\(\+\d+ more\)/, `${op}: the message quotes an excerpt: ${message.slice(0, 300)}`);
    }
    // A sleep, named: what is measured is what the server logs at all, summaries included, which come
    // on the refusal log's interval; no message says "nothing more to log".
    await new Promise((r) => setTimeout(r, 1000));
    const grew = server.logBytes - before;
    assert.ok(grew < 10_000, `the log grew by ${grew} bytes for ${cases.length} refused requests`);
  });
});
