import { randomBytes } from "node:crypto";
import { connect } from "node:net";

/**
 * Raw HTTP/1.1 garbage for the server's one port, and how the server must take it: answer with a 4xx
 * or close the connection ("refused"), wait for the rest of a request that is only slow ("pending"),
 * or simply survive a client that goes away mid-request ("dropped").
 */
export interface RawHttpCase {
  readonly name: string;
  readonly bytes: readonly Buffer[];
  readonly expect: "refused" | "pending" | "dropped";
}

export interface RawHttpOutcome {
  /** Every status line the server wrote, in order. */
  readonly statuses: readonly number[];
  /** The server closed the connection (for "pending": it has not, when the exchange was given up). */
  readonly closedByServer: boolean;
}

const target = "X-Amz-Target: AmazonEC2ContainerServiceV20141113.ListClusters\r\n";
const b = (s: string): Buffer => Buffer.from(s, "latin1");

export function rawHttpCases(host: string): RawHttpCase[] {
  const h = `Host: ${host}\r\n`;
  return [
    { name: "an invalid request line", bytes: [b("GARBAGE\r\n\r\n")], expect: "refused" },
    { name: "binary noise", bytes: [randomBytes(4096)], expect: "refused" },
    { name: "NUL bytes", bytes: [Buffer.alloc(1024)], expect: "refused" },
    { name: "an unknown method", bytes: [b(`BREW / HTTP/1.1\r\n${h}\r\n`)], expect: "refused" },
    { name: "HTTP/0.9", bytes: [b("GET /\r\n\r\n")], expect: "refused" },
    { name: "HTTP/1.1 without Host", bytes: [b("GET /healthz HTTP/1.1\r\n\r\n")], expect: "refused" },
    { name: "an HTTP/2 connection preface", bytes: [b("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), Buffer.from("000000040000000000", "hex")], expect: "refused" },
    { name: "5,000 headers", bytes: [b(`GET /healthz HTTP/1.1\r\n${h}${Array.from({ length: 5000 }, (_, i) => `X-H${i}: v\r\n`).join("")}\r\n`)], expect: "refused" },
    { name: "a 1 MB header", bytes: [b(`GET /healthz HTTP/1.1\r\n${h}X-Big: ${"a".repeat(1 << 20)}\r\n\r\n`)], expect: "refused" },
    { name: "a 100 KB URL", bytes: [b(`GET /${"a".repeat(100_000)} HTTP/1.1\r\n${h}\r\n`)], expect: "refused" },
    { name: "a header line without a colon", bytes: [b(`GET /healthz HTTP/1.1\r\n${h}no colon here\r\n\r\n`)], expect: "refused" },
    { name: "a control character in a header value", bytes: [b(`GET /healthz HTTP/1.1\r\n${h}X-A: a\x00b\r\n\r\n`)], expect: "refused" },
    { name: "a negative Content-Length", bytes: [b(`POST / HTTP/1.1\r\n${h}${target}Content-Length: -5\r\n\r\n`)], expect: "refused" },
    { name: "two different Content-Lengths", bytes: [b(`POST / HTTP/1.1\r\n${h}${target}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`)], expect: "refused" },
    { name: "Content-Length and chunked together", bytes: [b(`POST / HTTP/1.1\r\n${h}${target}Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`)], expect: "refused" },
    { name: "a chunk size that is not hex", bytes: [b(`POST / HTTP/1.1\r\n${h}${target}Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`)], expect: "refused" },
    { name: "a chunk size over 2^64", bytes: [b(`POST / HTTP/1.1\r\n${h}${target}Transfer-Encoding: chunked\r\n\r\n1FFFFFFFFFFFFFFFF\r\n{}`)], expect: "refused" },
    // 2^64-1 is a valid chunk size: the server waits for the data, serving everyone else meanwhile.
    { name: "a chunk of 2^64-1 bytes, started", bytes: [b(`POST / HTTP/1.1\r\n${h}${target}Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\n{}`)], expect: "pending" },
    { name: "a chunk without its CRLF", bytes: [b(`POST / HTTP/1.1\r\n${h}${target}Transfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n`)], expect: "refused" },
    { name: "an unknown transfer coding", bytes: [b(`POST / HTTP/1.1\r\n${h}${target}Transfer-Encoding: gzip, chunked2\r\n\r\n`)], expect: "refused" },
    { name: "a URL the URL parser rejects (//[)", bytes: [b(`GET //[ HTTP/1.1\r\n${h}Connection: close\r\n\r\n`)], expect: "refused" },
    { name: "an AWS call without a signature", bytes: [b(`POST / HTTP/1.1\r\n${h}${target}Content-Length: 2\r\nConnection: close\r\n\r\n{}`)], expect: "refused" },
    { name: "an AWS call by GET", bytes: [b(`GET / HTTP/1.1\r\n${h}${target}Connection: close\r\n\r\n`)], expect: "refused" },
    { name: "a registry call without credentials", bytes: [b(`GET /v2/robust/manifests/latest HTTP/1.1\r\n${h}Connection: close\r\n\r\n`)], expect: "refused" },
    { name: "a registry path with dot segments", bytes: [b(`GET /v2/../../../etc/passwd HTTP/1.1\r\n${h}Connection: close\r\n\r\n`)], expect: "refused" },
    { name: "a registry upload with a bad digest, unauthenticated", bytes: [b(`PUT /v2/robust/blobs/uploads/x?digest=sha256:zz HTTP/1.1\r\n${h}Content-Length: 0\r\nConnection: close\r\n\r\n`)], expect: "refused" },
    { name: "an unsigned upgrade on the agent path", bytes: [b(`GET /agent/v1/connect?containerInstance=%zz HTTP/1.1\r\n${h}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\n\r\n`)], expect: "refused" },
    { name: "an upgrade on another path", bytes: [b(`GET /healthz HTTP/1.1\r\n${h}Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n`)], expect: "refused" },
    { name: "a valid request pipelined with garbage", bytes: [b(`GET /healthz HTTP/1.1\r\n${h}\r\nGARBAGE\r\n\r\n`)], expect: "refused" },
    { name: "a truncated body under a large Content-Length, then close", bytes: [b(`POST / HTTP/1.1\r\n${h}${target}Content-Length: 10000000\r\n\r\n{"maxResults":`)], expect: "dropped" },
    { name: "half a request line, then close", bytes: [b("POST / HT")], expect: "dropped" },
    { name: "a slow partial request", bytes: [b(`GET /healthz HTTP/1.1\r\n${h}X-Slow: `)], expect: "pending" },
    { name: "a slow partial body", bytes: [b(`POST / HTTP/1.1\r\n${h}${target}Content-Length: 100\r\n\r\n{`)], expect: "pending" },
  ];
}

/**
 * Writes the case's bytes on a new connection and collects what the server answers until it closes
 * the connection ("refused"), until `whilePending` resolves ("pending"), or at once ("dropped").
 */
export function rawHttpExchange(port: number, c: RawHttpCase, whilePending?: () => Promise<void>, timeoutMs = 10_000): Promise<RawHttpOutcome> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    let closedByServer = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      const statuses = [...received.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
      resolve({ statuses, closedByServer });
    };
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    socket.on("error", () => undefined);
    socket.on("end", () => (closedByServer = true));
    socket.on("close", finish);
    socket.on("connect", () => {
      // The server may close before all of a large garbage request is written: that is a refusal.
      for (const bytes of c.bytes) socket.write(bytes, () => undefined);
      if (c.expect === "dropped") socket.destroy();
      else if (c.expect === "pending") {
        (whilePending?.() ?? Promise.resolve()).then(
          () => socket.destroy(),
          (e: unknown) => {
            socket.destroy();
            reject(e instanceof Error ? e : new Error(String(e)));
          },
        );
      } else {
        timer = setTimeout(() => {
          socket.destroy();
          reject(new Error(`${c.name}: the server neither answered nor closed within ${timeoutMs} ms (got ${JSON.stringify(received.slice(0, 200))})`));
        }, timeoutMs);
      }
    });
  });
}
