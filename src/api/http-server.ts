import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { Logger } from "pino";
import { chooseFrontDoor, type FrontDoors } from "./front-doors.js";
import type { HttpResponse } from "./http-types.js";

/** A handler that owns a path prefix and streams its own responses (the registry's `/v2/`). */
export interface StreamingRoute {
  readonly prefix: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export interface HttpServerOptions {
  /** The AWS-protocol front doors, one per wire protocol. */
  readonly api: FrontDoors;
  readonly streaming?: readonly StreamingRoute[];
  readonly logger: Logger;
  /** Largest AWS API request body accepted. */
  readonly maxBodyBytes?: number;
  /** PEM certificate chain and key: serve HTTPS (and so wss:// upgrades) instead of HTTP. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer } | undefined;
}

/** The one port Berth serves: AWS APIs, streaming routes and health. */
export function createHttpServer({ api, streaming = [], logger, maxBodyBytes = 1 << 20, tls }: HttpServerOptions): Server {
  const listener: RequestListener = (req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err, url: req.url }, "request failed");
      if (!res.headersSent) send(res, { status: 500, headers: {}, body: "" });
      else res.destroy();
    });
  };
  const server = tls ? createTlsServer(tls, listener) : createServer(listener);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A request target such as `//[` passes the HTTP parser but not the URL parser: the client's fault.
    const url = URL.canParse(req.url ?? "/", "http://localhost") ? new URL(req.url ?? "/", "http://localhost") : undefined;
    if (!url) return send(res, awsError(400, "ValidationException", `The request target is not a valid URL path: ${(req.url ?? "").slice(0, 200)}`));
    const route = streaming.find((r) => url.pathname.startsWith(r.prefix));
    if (route) return route.handle(req, res);
    if (url.pathname === "/healthz") return send(res, { status: 200, headers: { "content-type": "text/plain" }, body: "ok\n" });
    const door = chooseFrontDoor(api, { method: req.method ?? "", path: url.pathname, headers: req.headers });
    if (door) {
      const body = await readBody(req, maxBodyBytes);
      if (body === "too-large") {
        res.setHeader("connection", "close");
        return send(res, awsError(400, "ClientException", `The request body is larger than ${maxBodyBytes} bytes; send a smaller request.`));
      }
      const query = Object.fromEntries(url.searchParams);
      return send(res, await door({ method: req.method ?? "", path: url.pathname, query, headers: req.headers, body }));
    }
    send(res, awsError(404, "UnknownOperationException", `No API at ${req.method ?? ""} ${url.pathname.slice(0, 100)}: AWS API calls are POST / with an X-Amz-Target header or a form body, or RPC v2 CBOR POSTs to /service/<service>/operation/<operation>.`));
  }

  return server;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | "too-large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        resolve("too-large");
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, r: HttpResponse): void {
  res.writeHead(r.status, { ...r.headers, "content-length": Buffer.byteLength(r.body) });
  res.end(r.body);
}

const awsError = (status: number, code: string, message: string): HttpResponse => ({
  status,
  headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": code },
  body: JSON.stringify({ __type: code, message }),
});
