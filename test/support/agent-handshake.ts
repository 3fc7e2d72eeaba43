import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import { signHandshake as signUpgrade } from "../../src/agent/channel.js";
import { handshakeNonceParameter, serverMessage, type AgentMessage, type ServerMessage } from "../../src/agent-protocol/messages.js";
import type { AccessKey } from "../../src/auth/credentials-file.js";

/** A signed agent-channel handshake, kept so that a test can send it again (a replay). */
export interface Handshake {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Signs an upgrade request for `containerInstanceArn` with `key`, as the agent does (a fresh nonce unless given; none with `null`). */
export async function signHandshake(endpoint: string, key: AccessKey, containerInstanceArn: string, nonce: string | null = randomBytes(16).toString("hex")): Promise<Handshake> {
  const url = new URL("/agent/v1/connect", endpoint);
  url.searchParams.set("containerInstance", containerInstanceArn);
  if (nonce !== null) url.searchParams.set(handshakeNonceParameter, nonce);
  const headers = await signUpgrade(url, key, "us-east-1");
  url.protocol = "ws:";
  return { url: url.toString(), headers };
}

/** A raw agent channel a test drives by hand; it records what the server sends. */
export class RawChannel {
  readonly received: ServerMessage[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  constructor(readonly socket: WebSocket) {
    socket.on("message", (data: Buffer) => {
      const msg = serverMessage.parse(JSON.parse(data.toString("utf8")));
      if (msg.type === "heartbeat") socket.send(JSON.stringify({ type: "heartbeat" }));
      this.received.push(msg);
      this.wake();
    });
    socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
  }

  send(msg: AgentMessage): void {
    this.socket.send(JSON.stringify(msg));
  }

  /** Resolves with the first message (received so far or later) that satisfies `predicate`. */
  async next<T extends ServerMessage>(predicate: (m: ServerMessage) => m is T, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found) return found;
      if (this.closed) throw new Error("the channel closed before the expected message");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no such message within ${timeoutMs} ms; got ${JSON.stringify(this.received.map((m) => m.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.terminate();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }
}

/** Opens a channel with `handshake`: the channel, or the server's refusal (status and body). */
export function connect(handshake: Handshake): Promise<RawChannel | { status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(handshake.url, { headers: { ...handshake.headers } });
    socket.once("open", () => resolve(new RawChannel(socket)));
    socket.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    socket.once("error", reject);
  });
}

export const isType =
  <K extends ServerMessage["type"]>(type: K) =>
  (m: ServerMessage): m is Extract<ServerMessage, { type: K }> =>
    m.type === type;
