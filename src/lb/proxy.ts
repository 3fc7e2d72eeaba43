import type { IncomingMessage, ServerResponse, IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import type { Dispatcher, Pool } from "undici";
import type { Action } from "../domain/load-balancing/types.js";
import type { Balancer } from "./balancer.js";
import type { LiveGroup, LiveListener, LiveTarget } from "./config.js";
import { pickWeighted, redirectLocation, route, type RequestFacts } from "./routing.js";
import { groupCookies, stickinessOf, stickyCookies, stuckGroup, stuckTarget } from "./stickiness.js";
import type { TrafficTally } from "./traffic.js";

/** What a listener's request handler reads on every request: the live configuration and shared pools. */
export interface ProxyContext {
  listener(): LiveListener | undefined;
  group(arn: string): LiveGroup | undefined;
  readonly balancer: Balancer;
  /** The keep-alive connection pool to one target. */
  poolFor(target: LiveTarget): Pool;
  readonly logger: Logger;
  readonly random: () => number;
  readonly now: () => number;
  /** Signs sticky-session cookies (stickiness.ts). */
  readonly stickySecret: Buffer;
  /** This process's counts for the load balancers' CloudWatch metrics. */
  readonly traffic: TrafficTally;
}

/** Where a request came in: its load balancer (for the counts) and its listener's protocol and port. */
interface Via {
  readonly lbArn: string;
  readonly proto: "http" | "https";
  readonly port: number;
}

const hopByHop = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "proxy-authorization", "proxy-authenticate", "expect"]);

/** The request's headers for the target: hop-by-hop ones dropped, X-Forwarded-For/-Proto/-Port set as ELB sets them. */
export function forwardedHeaders(headers: IncomingHttpHeaders, client: string, proto: string, port: number, upgrade: boolean): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const k in headers) {
    const v = headers[k];
    if (v !== undefined && !hopByHop.has(k)) out[k] = v;
  }
  const xff = headers["x-forwarded-for"];
  out["x-forwarded-for"] = xff ? `${Array.isArray(xff) ? xff.join(", ") : xff}, ${client}` : client;
  out["x-forwarded-proto"] = proto;
  out["x-forwarded-port"] = String(port);
  if (upgrade) {
    out.connection = "Upgrade";
    out.upgrade = headers.upgrade ?? "websocket";
  }
  return out;
}

/** Only read by the rules (never written): one shared empty query. */
const noQuery = new URLSearchParams();

function facts(req: IncomingMessage): RequestFacts & { query: URLSearchParams; rawQuery: string } {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const rawQuery = q < 0 ? "" : url.slice(q + 1);
  return { path: q < 0 ? url : url.slice(0, q), host: (req.headers.host ?? "").replace(/:\d+$/, ""), headers: req.headers, query: rawQuery === "" ? noQuery : new URLSearchParams(rawQuery), rawQuery };
}

const clientOf = (req: IncomingMessage): string => (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");

/** ELB's own error pages: the status and a short HTML body, counted for the load balancer when one is known. */
function elbError(ctx: ProxyContext, lbArn: string | undefined, res: ServerResponse, status: 502 | 503 | 504): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (lbArn !== undefined) ctx.traffic.elbResponse(lbArn, status);
  const text = { 502: "502 Bad Gateway", 503: "503 Service Temporarily Unavailable", 504: "504 Gateway Time-out" }[status];
  res.writeHead(status, { "content-type": "text/html", server: "awselb/2.0" });
  res.end(`<html>\r\n<head><title>${text}</title></head>\r\n<body>\r\n<center><h1>${text}</h1></center>\r\n</body>\r\n</html>\r\n`);
}

/** The first action that ends the request (Berth's actions are all terminal), in `Order`. */
function terminal(actions: readonly Action[]): Action | undefined {
  if (actions.length <= 1) return actions[0];
  return [...actions].sort((a, b) => (a.order ?? 0) - (b.order ?? 0))[0];
}

/** Handles one HTTP request on a listener: route, then answer, redirect or proxy it. */
export function handleRequest(ctx: ProxyContext, proto: "http" | "https", req: IncomingMessage, res: ServerResponse): void {
  const live = ctx.listener();
  if (!live) return elbError(ctx, undefined, res, 503);
  const lbArn = live.loadBalancer.arn;
  // Without rules (a listener that only forwards), the request's facts are never looked at.
  const f = live.rules.length === 0 ? undefined : facts(req);
  const action = terminal(f ? route(live.rules, live.record.defaultActions, f) : live.record.defaultActions);
  if (!action) return elbError(ctx, lbArn, res, 503);
  if (action.type === "fixed-response") {
    const body = Buffer.from(action.messageBody ?? "");
    const status = Number(action.statusCode);
    ctx.traffic.count(lbArn, undefined, "HTTP_Fixed_Response_Count");
    ctx.traffic.elbResponse(lbArn, status);
    res.writeHead(status, { "content-type": action.contentType ?? "text/plain", "content-length": body.length, server: "awselb/2.0" });
    res.end(body);
    return;
  }
  if (action.type === "redirect") {
    const r = f ?? facts(req);
    const location = redirectLocation(action, { protocol: proto, host: r.host, port: String(live.record.port), path: r.path, query: r.rawQuery });
    const status = action.statusCode === "HTTP_301" ? 301 : 302;
    ctx.traffic.count(lbArn, undefined, "HTTP_Redirect_Count");
    ctx.traffic.elbResponse(lbArn, status);
    res.writeHead(status, { location, server: "awselb/2.0" });
    res.end();
    return;
  }
  const group = groupOf(ctx, action, req.headers.cookie);
  if (!group) return elbError(ctx, lbArn, res, 503);
  const cookies = action.stickinessSeconds === undefined ? [] : groupCookies(ctx.stickySecret, group.record.arn, action.stickinessSeconds, ctx.now());
  forward(ctx, group, { lbArn, proto, port: live.record.port }, req, res, undefined, cookies);
}

/**
 * A forward action's target group: with target group stickiness, the one the request's AWSALBTG
 * names while the action still weighs it above 0; else one drawn by weight.
 */
function groupOf(ctx: ProxyContext, action: Extract<Action, { type: "forward" }>, cookieHeader: string | undefined): LiveGroup | undefined {
  const kept = action.stickinessSeconds === undefined ? undefined : stuckGroup(ctx.stickySecret, cookieHeader);
  const chosen = (kept !== undefined ? action.targetGroups.find((g) => g.targetGroupArn === kept && g.weight > 0) : undefined) ?? pickWeighted(action.targetGroups, ctx.random());
  return chosen && ctx.group(chosen.targetGroupArn);
}

const hasBody = (req: IncomingMessage): boolean => req.headers["transfer-encoding"] !== undefined || (req.headers["content-length"] ?? "0") !== "0";

/** Whether a failed attempt may go to another target: nothing was sent back and the request had no body. */
const retriable = (req: IncomingMessage): boolean => (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") && !hasBody(req);

/** Failures to reach a target at all (ELB's TargetConnectionErrorCount), as undici and the socket name them. */
const connectionErrors = new Set(["ECONNREFUSED", "UND_ERR_CONNECT_TIMEOUT", "EHOSTUNREACH", "ENETUNREACH"]);

/** Proxies a request to a target of `group`; `cookies` are Set-Cookie headers of the load balancer's to add (target group stickiness). */
function forward(ctx: ProxyContext, group: LiveGroup, via: Via, req: IncomingMessage, res: ServerResponse, tried: string | undefined, cookies: readonly string[]): void {
  const sticky = stickinessOf(group.record.attributes);
  const stuck = sticky && stuckTarget(sticky, ctx.stickySecret, group.record.arn, req.headers.cookie, ctx.now());
  const target = ctx.balancer.pick(group, { exclude: tried, sticky: stuck });
  if (!target) return elbError(ctx, via.lbArn, res, 503);
  // A request counts once, when its first target is chosen (as ELB's RequestCount).
  if (tried === undefined) ctx.traffic.count(via.lbArn, group.record.arn, "RequestCount");
  const sentAt = performance.now();
  const end = ctx.balancer.begin(group.record.arn, target.key);
  let controller: Dispatcher.DispatchController | undefined;
  const onClose = (): void => {
    if (!res.writableFinished) controller?.abort(new Error("client went away"));
    end();
  };
  res.once("close", onClose);
  const send = tried === undefined && hasBody(req);
  ctx.poolFor(target).dispatch(
    {
      origin: `http://${target.address}:${target.record.port}`,
      method: (req.method ?? "GET"),
      path: req.url ?? "/",
      headers: forwardedHeaders(req.headers, clientOf(req), via.proto, via.port, false) as Record<string, string | string[]>,
      body: send ? req : null,
    },
    {
      onRequestStart(c) {
        controller = c;
      },
      onResponseStart(_c, statusCode, headers, statusMessage) {
        ctx.traffic.targetResponse(via.lbArn, group.record.arn, statusCode, (performance.now() - sentAt) / 1000);
        const out: OutgoingHttpHeaders = {};
        for (const k in headers) {
          const v = headers[k];
          if (v !== undefined && !hopByHop.has(k)) out[k] = v;
        }
        if (sticky || cookies.length > 0) {
          const own = out["set-cookie"];
          const targetSetCookie = own === undefined ? [] : Array.isArray(own) ? own.map(String) : [String(own)];
          const ours = [...cookies, ...(sticky ? stickyCookies(sticky, ctx.stickySecret, group.record.arn, target.key, { stuck: stuck !== undefined, targetSetCookie }, ctx.now()) : [])];
          if (ours.length > 0) out["set-cookie"] = [...targetSetCookie, ...ours];
        }
        res.writeHead(statusCode, statusMessage ?? "", out);
      },
      onResponseData(c, chunk) {
        if (!res.write(chunk)) {
          c.pause();
          res.once("drain", () => c.resume());
        }
      },
      onResponseEnd() {
        end();
        res.end();
      },
      onResponseError(_c, err: Error & { code?: string }) {
        end();
        if (res.destroyed) return;
        if (connectionErrors.has(err.code ?? "")) ctx.traffic.count(via.lbArn, group.record.arn, "TargetConnectionErrorCount");
        if (!res.headersSent && tried === undefined && retriable(req)) {
          ctx.logger.debug({ err: err.code, target: target.key }, "target failed; retrying on another");
          res.removeListener("close", onClose);
          // The group as the listeners see it now (a view may have come since the first attempt).
          forward(ctx, ctx.group(group.record.arn) ?? group, via, req, res, target.key, cookies);
          return;
        }
        elbError(ctx, via.lbArn, res, err.code === "UND_ERR_HEADERS_TIMEOUT" || err.code === "UND_ERR_CONNECT_TIMEOUT" ? 504 : 502);
      },
    },
  );
}

/** A WebSocket (or other) upgrade: a raw tunnel to one target, counted in flight until either side closes. */
export function handleUpgrade(ctx: ProxyContext, proto: "http" | "https", req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const live = ctx.listener();
  const action = live && terminal(route(live.rules, live.record.defaultActions, facts(req)));
  const group = action?.type === "forward" ? groupOf(ctx, action, req.headers.cookie) : undefined;
  const target = group && ctx.balancer.pick(group);
  if (!live || !group || !target) {
    if (live) ctx.traffic.elbResponse(live.loadBalancer.arn, 503);
    socket.end("HTTP/1.1 503 Service Temporarily Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    return;
  }
  ctx.traffic.count(live.loadBalancer.arn, group.record.arn, "RequestCount");
  const end = ctx.balancer.begin(group.record.arn, target.key);
  const upstream: Socket = connect({ host: target.address, port: target.record.port });
  const close = (): void => {
    end();
    upstream.destroy();
    socket.destroy();
  };
  upstream.once("connect", () => {
    const headers = forwardedHeaders(req.headers, clientOf(req), proto, live.record.port, true);
    const lines = Object.entries(headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => `${k}: ${x}`) : [`${k}: ${String(v)}`]));
    upstream.write(`${req.method ?? "GET"} ${req.url ?? "/"} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`);
    if (head.length > 0) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.once("error", close);
  socket.once("error", close);
  upstream.once("close", close);
  socket.once("close", close);
}
