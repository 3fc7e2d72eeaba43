import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerOptions, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import type { HttpLimits } from "../config/server-config.js";
import { excerpt } from "../observability/excerpt.js";
import type { RefusalLog } from "../observability/refusal-log.js";
import { chooseFrontDoor, type FrontDoors } from "./front-doors.js";
import type { HttpResponse } from "./http-types.js";

/** A handler that owns a path prefix and streams its own responses (the registry's `/v2/`). */
export interface StreamingRoute {
  readonly prefix: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** A handler of HTTP upgrades under a path prefix (the agent channel's WebSocket). */
export interface UpgradeRoute {
  readonly prefix: string;
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/** What the port serves, installed once the control plane is ready. */
export interface HttpRoutes {
  /** The AWS-protocol front doors, one per wire protocol. */
  readonly api: FrontDoors;
  readonly streaming?: readonly StreamingRoute[];
  readonly upgrades?: readonly UpgradeRoute[];
}

export interface HttpServerOptions {
  readonly logger: Logger;
  /** Where refused connections and requests are counted. */
  readonly refusals: RefusalLog;
  readonly limits: HttpLimits;
  /** Largest AWS API request body accepted. */
  readonly maxBodyBytes?: number;
  /** PEM certificate chain and key: serve HTTPS (and so wss:// upgrades) instead of HTTP. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer } | undefined;
}

/** The HTTP server of Berth's one port, and how to install what it serves. */
export interface HttpFront {
  readonly server: Server;
  /** Installs the routes; until then every request is answered 503 (the port is bound first). */
  serve(routes: HttpRoutes): void;
}

/**
 * The one port Berth serves: AWS APIs, streaming routes, upgrades and health, within
 * {@link HttpLimits}. It can listen before the control plane has started (so that a port in use
 * stops `berth server` at once) and serves once {@link HttpFront.serve} is called.
 */
export function createHttpServer({ logger, refusals, limits, maxBodyBytes = 1 << 20, tls }: HttpServerOptions): HttpFront {
  let routes: HttpRoutes | undefined;
  const options: ServerOptions = {
      headersTimeout: limits.headersTimeoutMs,
      // Node's whole-request limit would also cut long registry uploads: API bodies have their own
      // timer (readBody) and streaming requests an idle timer instead.
      requestTimeout: 0,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often Node checks the headers timeout: often enough for small test values.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
  };
  const listener: RequestListener = (req, res) => {
    if (overLimit.has(req.socket)) return refuseOverLimit(res);
    if (!routes) return refuseStarting(res);
    const { api, streaming = [] } = routes;
    handle(req, res, api, streaming).catch((err: unknown) => {
      if (isClientAbort(err)) logger.debug({ err: describe(err), url: excerpt(req.url) }, "client went away");
      else logger.error({ err, url: excerpt(req.url) }, "request failed");
      if (!res.headersSent) send(res, { status: 500, headers: {}, body: "" });
      else res.destroy();
    });
  };
  const server = tls ? createTlsServer({ ...options, ...tls }, listener) : createServer(options, listener);

  // The connection limit: Node's own maxConnections drops extra connections without a word, so
  // count them here (before the HTTP parser sees them) and answer the extra ones 503.
  let open = 0;
  const overLimit = new WeakSet<Socket>();
  // Over TLS, requests arrive on the TLS socket, not on the TCP one the "connection" event carries.
  server.prependListener(tls ? "secureConnection" : "connection", (socket: Socket) => {
    if (open >= limits.maxConnections) {
      overLimit.add(socket);
      refusals.count("TooManyConnections", { open }, "connection refused: too many connections");
      return;
    }
    open++;
    socket.once("close", () => open--);
  });
  const tooMany = `Berth has too many connections (limit ${limits.maxConnections}); try again later.\n`;
  function refuseOverLimit(res: ServerResponse): void {
    res.req.resume();
    res.writeHead(503, { "content-type": "text/plain", "content-length": Buffer.byteLength(tooMany), connection: "close", "retry-after": "1" });
    res.end(tooMany);
  }
  const starting = "Berth is starting; try again in a moment.\n";
  function refuseStarting(res: ServerResponse): void {
    res.req.resume();
    res.writeHead(503, { "content-type": "text/plain", "content-length": Buffer.byteLength(starting), "retry-after": "1" });
    res.end(starting);
  }

  // Malformed requests and the headers timeout: answered as Node would, but counted, not logged.
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    const code = err.code ?? "HPE_INVALID";
    if (isClientAbort(err)) logger.debug({ err: code }, "client went away");
    else refusals.count(code, { err: excerpt(err.message, 120) }, "bad request refused");
    if (socket.writable && !isClientAbort(err)) {
      const status = code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
  });

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (overLimit.has(req.socket)) {
      socket.end(`HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nConnection: close\r\nRetry-After: 1\r\n\r\n${tooMany}`);
      return;
    }
    const route = routes?.upgrades?.find((r) => req.url?.startsWith(r.prefix));
    if (route) route.handle(req, socket, head);
    else socket.destroy();
  });

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    api: FrontDoors,
    streaming: readonly StreamingRoute[],
  ): Promise<void> {
    // A request target such as `//[` passes the HTTP parser but not the URL parser: the client's fault.
    const url = URL.canParse(req.url ?? "/", "http://localhost") ? new URL(req.url ?? "/", "http://localhost") : undefined;
    if (!url) return send(res, awsError(400, "ValidationException", `The request target is not a valid URL path: ${excerpt(req.url)}`));
    const route = streaming.find((r) => url.pathname.startsWith(r.prefix));
    if (route) {
      // A slow upload that keeps sending is fine; one that stalls (or a download nobody reads) is cut.
      const socket = req.socket;
      const onIdle = () => {
        refusals.count("UploadIdleTimeout", { url: excerpt(req.url) }, "streaming request idle too long: closed");
        socket.destroy();
      };
      socket.setTimeout(limits.streamIdleTimeoutMs, onIdle);
      // One keep-alive connection carries many requests of a push: each removes its own timer.
      res.once("close", () => {
        socket.off("timeout", onIdle);
        socket.setTimeout(0);
      });
      return route.handle(req, res);
    }
    if (url.pathname === "/healthz") return send(res, { status: 200, headers: { "content-type": "text/plain" }, body: "ok\n" });
    const door = chooseFrontDoor(api, { method: req.method ?? "", path: url.pathname, headers: req.headers });
    if (door) {
      const body = await readBody(req, maxBodyBytes, limits.bodyTimeoutMs);
      if (body === "too-large") {
        refusals.count("RequestTooLarge", {}, "request body too large");
        res.setHeader("connection", "close");
        return send(res, awsError(400, "ClientException", `The request body is larger than ${maxBodyBytes} bytes; send a smaller request.`));
      }
      if (body === "timeout") {
        refusals.count("RequestBodyTimeout", {}, "request body too slow: closed");
        res.setHeader("connection", "close");
        res.once("finish", () => req.socket.destroy());
        return send(res, awsError(408, "RequestTimeoutException", `The request body did not arrive within ${limits.bodyTimeoutMs} ms.`));
      }
      const query = Object.fromEntries(url.searchParams);
      return send(res, await door({ method: req.method ?? "", path: url.pathname, query, headers: req.headers, body, remoteAddress: req.socket.remoteAddress, secure: "encrypted" in req.socket }));
    }
    send(res, awsError(404, "UnknownOperationException", `No API at ${excerpt(req.method)} ${excerpt(url.pathname)}: AWS API calls are POST / with an X-Amz-Target header or a form body, or RPC v2 CBOR POSTs to /service/<service>/operation/<operation>.`));
  }

  return {
    server,
    serve(r) {
      routes = r;
    },
  };
}

function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Buffer | "too-large" | "timeout"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      req.removeAllListeners("data");
      resolve("timeout");
    }, timeoutMs);
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        clearTimeout(timer);
        req.removeAllListeners("data");
        req.resume();
        resolve("too-large");
      } else chunks.push(c);
    });
    req.on("end", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** A client that closed or reset its connection mid-request: nothing for the operator to act on. */
export function isClientAbort(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    code === "ECONNRESET" ||
    code === "EPIPE" ||
    code === "ECONNABORTED" ||
    code === "ERR_STREAM_PREMATURE_CLOSE" ||
    code === "ERR_STREAM_DESTROYED" ||
    (err instanceof Error && err.message === "aborted")
  );
}

const describe = (err: unknown): string => (err instanceof Error ? excerpt(err.message, 120) : "error");

function send(res: ServerResponse, r: HttpResponse): void {
  res.writeHead(r.status, { ...r.headers, "content-length": Buffer.byteLength(r.body) });
  res.end(r.body);
}

const awsError = (status: number, code: string, message: string): HttpResponse => ({
  status,
  headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": code },
  body: JSON.stringify({ __type: code, message }),
});
