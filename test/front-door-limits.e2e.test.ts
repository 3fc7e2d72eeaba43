import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import { parseCredentialsFile } from "../src/auth/credentials-file.js";
import { BerthProcess } from "./support/berth-process.js";
import { testSdkRetry } from "./support/sdk-retry.js";

/** A raw TCP client: what it received, and when the connection closed (ms after it was opened). */
function rawClient(endpoint: string): { socket: Socket; received: () => string; closed: Promise<number>; openedAt: number } {
  const url = new URL(endpoint);
  const socket = connect(Number(url.port), url.hostname);
  let text = "";
  socket.on("data", (c: Buffer) => (text += c.toString()));
  socket.on("error", () => {});
  const started = performance.now();
  const closed = new Promise<number>((resolve) => socket.once("close", () => resolve(performance.now() - started)));
  return { socket, received: () => text, closed, openedAt: started };
}

const dataDir = (): string => mkdtempSync(join(tmpdir(), "berth-limits-"));

describe("HTTP timeouts", () => {
  const dir = dataDir();
  let server: BerthProcess;
  let endpoint = "";

  before(async () => {
    server = new BerthProcess(["server", "--port", "0", "--data-dir", dir, "--header-timeout", "500ms", "--request-body-timeout", "1s", "--stream-idle-timeout", "1s"]);
    endpoint = await server.endpoint();
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers 408 and closes a connection whose headers do not arrive in time", async () => {
    const c = rawClient(endpoint);
    c.socket.write("POST / HTTP/1.1\r\nHost: x\r\n"); // and never the rest
    const afterMs = await c.closed;
    assert.match(c.received(), /^HTTP\/1\.1 408/);
    assert.ok(afterMs >= 400 && afterMs < 5000, `closed after ${afterMs} ms`);
  });

  it("answers 408 and closes an API request whose body does not arrive in time", async () => {
    const c = rawClient(endpoint);
    c.socket.write("POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AmazonEC2ContainerServiceV20141113.ListClusters\r\nContent-Length: 100\r\n\r\n{");
    const afterMs = await c.closed;
    assert.match(c.received(), /^HTTP\/1\.1 408[\s\S]*RequestTimeoutException/);
    assert.ok(afterMs >= 900 && afterMs < 5000, `closed after ${afterMs} ms`);
  });

  it("lets a slow registry upload that keeps sending go on, and cuts one that stalls", async () => {
    const key = parseCredentialsFile(readFileSync(join(dir, "credentials"), "utf8"))!;
    const ecr = new ECRClient({ endpoint, region: "us-east-1", credentials: key, ...testSdkRetry });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "slow" }));
    const token = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData?.[0]?.authorizationToken ?? "";
    ecr.destroy();
    const start = await fetch(`${endpoint}/v2/slow/blobs/uploads/`, { method: "POST", headers: { authorization: `Basic ${token}` } });
    assert.equal(start.status, 202);
    const location = new URL(start.headers.get("location") ?? "", endpoint);

    const c = rawClient(endpoint);
    c.socket.write(`PATCH ${location.pathname}${location.search} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${token}\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n`);
    // 2.4 s of 1 KB every 300 ms: slow, but never idle for the 1 s the server allows.
    for (let i = 0; i < 8; i++) {
      c.socket.write(`400\r\n${"x".repeat(1024)}\r\n`);
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.ok(!c.socket.destroyed && c.received() === "", "the slow upload is still open");
    const stalledAt = performance.now() - c.openedAt;
    const idleMs = (await c.closed) - stalledAt;
    assert.ok(idleMs >= 500 && idleMs < 5000, `a stalled upload is cut after ${idleMs} ms idle`);
  });
});

describe("connection limit", () => {
  const dir = dataDir();
  let server: BerthProcess;
  let endpoint = "";

  before(async () => {
    server = new BerthProcess(["server", "--port", "0", "--data-dir", dir, "--max-connections", "3", "--keep-alive-timeout", "30s"]);
    endpoint = await server.endpoint();
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers connections beyond the limit with a one-line 503 and closes them; a freed slot serves again", async () => {
    // Three keep-alive connections, each proven accepted by a served request.
    const held = [rawClient(endpoint), rawClient(endpoint), rawClient(endpoint)];
    for (const c of held) {
      c.socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      await new Promise<void>((resolve) => {
        const check = () => (c.received().includes("ok\n") ? resolve() : setTimeout(check, 20));
        check();
      });
    }
    const extra = rawClient(endpoint);
    extra.socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    await extra.closed;
    assert.match(extra.received(), /^HTTP\/1\.1 503/);
    assert.match(extra.received(), /\r\n\r\nBerth has too many connections \(limit 3\); try again later\.\n$/);

    held[0]!.socket.destroy();
    await held[0]!.closed;
    // The server sees the close a moment later: retry until the freed slot serves.
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await fetch(`${endpoint}/healthz`, { headers: { connection: "close" } })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status, 200);
    for (const c of held) c.socket.destroy();
  });
});
