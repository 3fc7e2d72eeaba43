import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import type { AccessKey } from "../../src/auth/credentials-file.js";
import { signHandshake } from "./agent-handshake.js";

/**
 * The agent channel at the byte level: a correctly signed WebSocket upgrade over a plain TCP socket,
 * then frames written by hand, so that tests can send what no WebSocket library would (bad UTF-8,
 * reserved opcodes, unmasked frames, lengths that lie).
 */

export const opcodes = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface Frame {
  readonly opcode: number;
  readonly payload?: Buffer;
  /** Defaults to true. */
  readonly fin?: boolean;
  /** RSV1..RSV3 as the three bits 0b100, 0b010, 0b001. */
  readonly rsv?: number;
  /** Clients must mask; defaults to true. */
  readonly masked?: boolean;
  /** The length the header claims, when it is to lie about the payload that follows. */
  readonly declaredLength?: number;
}

/** RFC 6455 §5.2: FIN/RSV/opcode byte, mask bit and length (7, 16 or 64 bits), mask key, payload. */
export function encodeFrame({ opcode, payload = Buffer.alloc(0), fin = true, rsv = 0, masked = true, declaredLength }: Frame): Buffer {
  const length = declaredLength ?? payload.length;
  const head = [(fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0xf)];
  const mask = masked ? 0x80 : 0;
  let ext = Buffer.alloc(0);
  if (length < 126) head.push(mask | length);
  else if (length < 0x10000) {
    head.push(mask | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(length);
  } else {
    head.push(mask | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(BigInt(length));
  }
  if (!masked) return Buffer.concat([Buffer.from(head), ext, payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ key[i % 4]!));
  return Buffer.concat([Buffer.from(head), ext, key, body]);
}

export const textFrame = (text: string | Buffer, over: Partial<Frame> = {}): Buffer =>
  encodeFrame({ opcode: opcodes.text, payload: Buffer.isBuffer(text) ? text : Buffer.from(text), ...over });

/** How a session ended, as the client saw it: the server's close frame, or only the TCP close. */
export interface SessionEnd {
  readonly closeCode?: number;
  readonly reason?: string;
}

/** One agent session opened by hand. Answers the server's pings (and heartbeat messages) so that it stays open. */
export class RawAgentSession {
  /** Parsed JSON of every text frame the server sent. */
  readonly messages: Record<string, unknown>[] = [];
  private buffer = Buffer.alloc(0);
  private readonly waiters: (() => void)[] = [];
  private endState?: SessionEnd;
  readonly ended: Promise<SessionEnd>;

  private constructor(readonly socket: Socket) {
    this.ended = new Promise((resolve) => {
      socket.on("close", () => {
        this.endState ??= {};
        resolve(this.endState);
        this.wake();
      });
    });
    socket.on("error", () => undefined);
    socket.on("data", (chunk: Buffer) => this.read(chunk));
  }

  /** Connects to the agent path as `containerInstanceArn`, with a SigV4-signed upgrade like the agent's. */
  static async open(endpoint: string, key: AccessKey, containerInstanceArn: string): Promise<RawAgentSession> {
    const handshake = await signHandshake(endpoint, key, containerInstanceArn);
    const url = new URL(handshake.url);
    const headers = {
      host: url.host,
      ...handshake.headers,
      upgrade: "websocket",
      connection: "Upgrade",
      "sec-websocket-key": randomBytes(16).toString("base64"),
      "sec-websocket-version": "13",
    };
    const request = `GET ${url.pathname}${url.search} HTTP/1.1\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("")}\r\n`;
    const socket = connect(Number(url.port), url.hostname);
    const rest = await new Promise<Buffer>((resolve, reject) => {
      let got = Buffer.alloc(0);
      const onData = (c: Buffer) => {
        got = Buffer.concat([got, c]);
        const end = got.indexOf("\r\n\r\n");
        if (end < 0) return;
        socket.off("data", onData);
        socket.off("close", onClose);
        const head = got.subarray(0, end).toString("latin1");
        if (!head.startsWith("HTTP/1.1 101")) reject(new Error(`upgrade refused: ${head.split("\r\n")[0]}`));
        else resolve(got.subarray(end + 4));
      };
      const onClose = () => reject(new Error("connection closed during the upgrade"));
      socket.on("data", onData);
      socket.once("close", onClose);
      socket.once("error", reject);
      socket.write(request);
    });
    const session = new RawAgentSession(socket);
    if (rest.length > 0) session.read(rest);
    return session;
  }

  /** Writes raw bytes: one or more frames, or part of one. */
  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  send(message: unknown): void {
    this.write(textFrame(JSON.stringify(message)));
  }

  /** Waits until the server has sent a message that `match` accepts; rejects if the session ends first. */
  async next(match: (m: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (this.endState) throw new Error(`session ended (${JSON.stringify(this.endState)}) before the message came`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for a message from the server");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  get isOpen(): boolean {
    return this.endState === undefined;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    this.waiters.splice(0).forEach((w) => w());
  }

  /** Server frames are never masked. */
  private read(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      const opcode = b[0]! & 0xf;
      let length = b[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) return;
        length = b.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (b.length < 10) return;
        length = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      if (b.length < offset + length) return;
      const payload = b.subarray(offset, offset + length);
      this.buffer = b.subarray(offset + length);
      this.frame(opcode, payload);
    }
  }

  private frame(opcode: number, payload: Buffer): void {
    if (opcode === opcodes.close) {
      this.endState ??= payload.length >= 2 ? { closeCode: payload.readUInt16BE(0), reason: payload.subarray(2).toString("utf8") } : {};
      // Complete the closing handshake, as a client must.
      if (!this.socket.destroyed) this.socket.end(encodeFrame({ opcode: opcodes.close, payload: payload.subarray(0, 2) }));
    } else if (opcode === opcodes.ping) {
      // RFC 6455 §5.5.2: a pong with the ping's payload; the server ends sessions that do not answer.
      if (this.isOpen && !this.socket.destroyed) this.write(encodeFrame({ opcode: opcodes.pong, payload }));
    } else if (opcode === opcodes.text) {
      const msg = JSON.parse(payload.toString("utf8")) as Record<string, unknown>;
      this.messages.push(msg);
      if (msg.type === "heartbeat" && this.isOpen) this.send({ type: "heartbeat" });
    }
    this.wake();
  }
}
