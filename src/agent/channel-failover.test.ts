import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer as createHttpServer } from "node:http";
import { createServer, type AddressInfo, type Server } from "node:net";
import { pino } from "pino";
import { WebSocketServer, type WebSocket } from "ws";
import { AgentChannel } from "./channel.js";
import { EndpointRotation } from "./endpoints.js";

/**
 * The agent channel against several control plane endpoints, in process: small WebSocket servers
 * that answer `hello` with a manifest stand in for replicas. What is checked is where and when the
 * channel connects; the real hub is the e2e test's (test/agent-failover.e2e.test.ts).
 */

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

const listening = (server: Server | ReturnType<typeof createHttpServer>): Promise<number> =>
  new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listening(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A replica's agent channel: answers each `hello` with an empty manifest, or as `onHello` says.
 * `kill()` drops every connection without a close frame and stops listening, as `kill -9` does.
 */
async function aReplica(onHello: (socket: WebSocket, n: number) => void = manifest) {
  const http = createHttpServer();
  const wss = new WebSocketServer({ server: http });
  const hellos: number[] = [];
  wss.on("connection", (socket) => {
    socket.on("message", (data: Buffer) => {
      if ((JSON.parse(data.toString("utf8")) as { type?: string }).type !== "hello") return;
      hellos.push(Date.now());
      onHello(socket, hellos.length);
    });
  });
  const port = await listening(http);
  let killed = false;
  const kill = async (): Promise<void> => {
    if (killed) return;
    killed = true;
    for (const s of wss.clients) s.terminate();
    wss.close();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  };
  closers.push(kill);
  return { url: `http://127.0.0.1:${port}`, hellos, kill };
}

function manifest(socket: WebSocket): void {
  socket.send(JSON.stringify({ type: "manifest", seq: 1, tasks: [], heartbeatMs: 5000 }));
}

/** An endpoint that accepts TCP connections and drops them at once (a replica failing every handshake), noting when. */
async function aDroppingEndpoint(name: string, log: Array<{ name: string; at: number }>) {
  const server = createServer((socket) => {
    log.push({ name, at: Date.now() });
    socket.destroy();
  });
  const port = await listening(server);
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${port}`;
}

function aChannel(endpoints: EndpointRotation): AgentChannel {
  const channel = new AgentChannel({
    endpoints,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIAAGENT", secretAccessKey: "secret" },
    containerInstanceArn: "arn:aws:ecs:us-east-1:000000000000:container-instance/c/1",
    logger: pino({ level: "silent" }),
    knownTasks: () => [],
    onDesired: () => undefined,
  });
  closers.push(() => Promise.resolve(channel.stop()));
  return channel;
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("agent channel: several control plane endpoints", () => {
  it("skips endpoints that refuse connections at once, backing off only after a full round", async () => {
    // Five dead endpoints before a live one: a backoff per endpoint (125 ms, 250 ms, … doubling) would take ≥ 3.8 s.
    const dead = await Promise.all(Array.from({ length: 5 }, async () => `http://127.0.0.1:${await closedPort()}`));
    const live = await aReplica();
    const endpoints = new EndpointRotation([...dead, live.url]);
    const started = Date.now();
    aChannel(endpoints).start();
    const at = await until("the live endpoint's hello", () => live.hellos[0], 10_000);
    assert.ok(at - started < 1_500, `connected after ${at - started} ms`);
    assert.equal(endpoints.current(), live.url);
  });

  it("moves to the next endpoint when the one it is connected to dies, without waiting for its watchdog", async () => {
    const a = await aReplica();
    const b = await aReplica();
    const channel = aChannel(new EndpointRotation([a.url, b.url]));
    channel.start();
    await until("connected to a", () => (a.hellos.length === 1 && channel.connected) || undefined, 5_000);
    const killedAt = Date.now();
    await a.kill();
    const at = await until("a hello on b", () => b.hellos[0], 10_000);
    assert.ok(at - killedAt < 2_000, `reconnected through b after ${at - killedAt} ms`);
    await until("connected to b", () => channel.connected || undefined, 2_000);
  });

  it("stays with a replica that closes the channel with an answer (policy violation), and backs off", async () => {
    const a = await aReplica((socket, n) => (n === 1 ? socket.close(1008, "not now") : manifest(socket)));
    const b = await aReplica();
    const channel = aChannel(new EndpointRotation([a.url, b.url]));
    channel.start();
    await until("a second hello on a", () => a.hellos[1], 5_000);
    assert.equal(b.hellos.length, 0);
    assert.ok(a.hellos[1]! - a.hellos[0]! >= 120, "the usual backoff (125 ms at least) before connecting again");
  });

  it("with every endpoint failing, tries each in turn at once, then backs off before the next round", async () => {
    const attempts: Array<{ name: string; at: number }> = [];
    const x = await aDroppingEndpoint("x", attempts);
    const y = await aDroppingEndpoint("y", attempts);
    const channel = aChannel(new EndpointRotation([x, y]));
    channel.start();
    await until("four rounds", () => (attempts.length >= 8 ? true : undefined), 10_000);
    channel.stop();
    const [first, second, third, fourth, fifth, sixth, seventh, eighth] = attempts;
    const rounds = [
      [first, second],
      [third, fourth],
      [fifth, sixth],
      [seventh, eighth],
    ] as const;
    for (const [i, [p, q]] of rounds.entries()) {
      assert.deepEqual([p?.name, q?.name], ["x", "y"], `round ${i + 1} tries x, then y`);
      assert.ok(q!.at - p!.at < 120, `round ${i + 1}: y tried ${q!.at - p!.at} ms after x, not after a backoff`);
      const next = rounds[i + 1]?.[0];
      if (next) assert.ok(next.at - q!.at >= 120, `a backoff between rounds ${i + 1} and ${i + 2} (${next.at - q!.at} ms)`);
    }
  });

  it("with one endpoint, backs off after every failure, as it always did", async () => {
    const attempts: Array<{ name: string; at: number }> = [];
    const x = await aDroppingEndpoint("x", attempts);
    const channel = aChannel(new EndpointRotation([x]));
    channel.start();
    await until("three attempts", () => (attempts.length >= 3 ? true : undefined), 10_000);
    channel.stop();
    assert.ok(attempts[1]!.at - attempts[0]!.at >= 120 && attempts[2]!.at - attempts[1]!.at >= 240, JSON.stringify(attempts));
  });
});
