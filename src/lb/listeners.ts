import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import type { Logger } from "pino";
import { Pool } from "undici";
import { Balancer } from "./balancer.js";
import type { LiveGroup, LiveListener, LiveTarget } from "./config.js";
import { handleRequest, handleUpgrade, type ProxyContext } from "./proxy.js";
import { groupTargetKey, type ServingView } from "./serving-view.js";
import { handleTcp } from "./tcp-proxy.js";
import { TrafficTally } from "./traffic.js";

export interface ListenersOptions {
  /** The address listeners bind (`--lb-bind-address`). */
  readonly bindAddress: string;
  readonly logger: Logger;
  readonly now: () => number;
  readonly random: () => number;
  /** Signs sticky-session cookies: the same in every process that serves listeners. */
  readonly stickySecret: Buffer;
}

interface OpenListener {
  readonly server: NetServer;
  readonly signature: string;
  /** Closes connections that carry no request (HTTP) ; `all` closes every one. */
  readonly closeConnections: (all: boolean) => void;
  readonly setIdleTimeout: (ms: number) => void;
}

/**
 * The listeners of one process, as a view says: one socket per listener port proxying to the
 * view's eligible targets (proxy.ts, tcp-proxy.ts), keep-alive pools per target, and the requests
 * in flight per target. `apply` is synchronous: once it returns, no new request of this process
 * goes to a target the view does not name eligible.
 */
export class Listeners {
  private readonly open = new Map<number, OpenListener>();
  private readonly byPort = new Map<number, LiveListener>();
  private groups = new Map<string, LiveGroup>();
  /** When each eligible target of the current view became healthy, by the target object the balancer sees. */
  private since = new Map<LiveTarget, number>();
  /** Ports whose listener could not open, with why: logged once per reason, retried on every view. */
  private readonly failedPorts = new Map<number, string>();
  private readonly pools = new Map<string, Pool>();
  readonly balancer: Balancer;
  /** What this process's listeners carried since the last drain (the load balancers' CloudWatch metrics). */
  readonly traffic = new TrafficTally();
  private readonly ctx: ProxyContext;

  constructor(private readonly opts: ListenersOptions) {
    // By identity on every request (no key to build): a target of an older view is not eligible.
    this.balancer = new Balancer((_arn, t) => this.since.get(t), opts.now, opts.random);
    this.ctx = {
      listener: () => undefined,
      group: (arn) => this.groups.get(arn),
      balancer: this.balancer,
      poolFor: (t) => this.poolFor(t),
      logger: opts.logger,
      random: opts.random,
      now: opts.now,
      stickySecret: opts.stickySecret,
      traffic: this.traffic,
    };
  }

  apply(view: ServingView): void {
    const eligible = new Map(view.eligible);
    const since = new Map<LiveTarget, number>();
    const addresses = new Set<string>();
    for (const g of view.groups) {
      for (const t of g.targets) {
        addresses.add(`${t.address}:${t.record.port}`);
        const s = t.record.state === "registered" ? eligible.get(groupTargetKey(g.record.arn, t.key)) : undefined;
        if (s !== undefined) since.set(t, s);
      }
    }
    this.groups = new Map(view.groups.map((g) => [g.record.arn, g]));
    this.since = since;
    this.applyListeners(view.listeners);
    for (const [key, pool] of this.pools) {
      if (addresses.has(key)) continue;
      this.pools.delete(key);
      void pool.destroy().catch(() => undefined);
    }
  }

  /** Requests (and tunnels) in flight on a target of a group. */
  inFlight(key: string): number {
    const i = key.indexOf(" ");
    return this.balancer.count(key.slice(0, i), key.slice(i + 1));
  }

  /** The ports this process has a listener open (or opening) on. */
  ports(): number[] {
    return [...this.open.keys()];
  }

  private applyListeners(listeners: readonly LiveListener[]): void {
    const wanted = new Map(listeners.map((l) => [l.record.port, l]));
    this.byPort.clear();
    for (const [port, l] of wanted) this.byPort.set(port, l);
    for (const [port, o] of this.open) {
      const l = wanted.get(port);
      if (!l || signatureOf(l) !== o.signature) {
        this.open.delete(port);
        o.server.close();
        o.closeConnections(false);
      }
    }
    for (const [port, l] of wanted) {
      if (this.open.has(port)) {
        this.open.get(port)!.setIdleTimeout(idleTimeoutMs(l));
        continue;
      }
      this.listen(port, l);
    }
  }

  private listen(port: number, l: LiveListener): void {
    const ctx: ProxyContext = { ...this.ctx, listener: () => this.byPort.get(port) };
    let open: OpenListener;
    try {
      open = l.record.protocol === "TCP" ? tcpListener(ctx, l) : httpListener(ctx, l);
    } catch (err) {
      this.failed(port, err);
      return;
    }
    open.server.once("error", (err) => {
      this.failed(port, err);
      if (this.open.get(port) === open) this.open.delete(port);
    });
    open.server.listen({ host: this.opts.bindAddress, port }, () => this.failedPorts.delete(port));
    this.open.set(port, open);
  }

  private failed(port: number, err: unknown): void {
    const why = err instanceof Error ? err.message : String(err);
    if (this.failedPorts.get(port) === why) return;
    this.failedPorts.set(port, why);
    this.opts.logger.error({ err, port }, "load balancer: cannot open listener; retrying every refresh");
  }

  private poolFor(t: LiveTarget): Pool {
    const key = `${t.address}:${t.record.port}`;
    let pool = this.pools.get(key);
    if (!pool) {
      // Keep-alive connections to one target, as many as requests in flight; no response deadline
      // of undici's own (ELB has none but the idle timeout).
      pool = new Pool(`http://${key}`, { connections: null, pipelining: 1, headersTimeout: 0, bodyTimeout: 0 });
      this.pools.set(key, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.open.values()].map(
        (o) =>
          new Promise<void>((resolve) => {
            o.server.close(() => resolve());
            o.closeConnections(true);
          }),
      ),
    );
    this.open.clear();
    await Promise.all([...this.pools.values()].map((p) => p.destroy().catch(() => undefined)));
    this.pools.clear();
  }
}

/** An HTTP(S) listener: node:http parses requests, proxy.ts answers them. */
function httpListener(ctx: ProxyContext, l: LiveListener): OpenListener {
  const proto = l.record.protocol === "HTTPS" ? "https" : "http";
  const pem = proto === "https" ? readFileSync(l.record.certificateArn ?? "") : undefined;
  const handler = (req: Parameters<typeof handleRequest>[2], res: Parameters<typeof handleRequest>[3]) => handleRequest(ctx, proto, req, res);
  const server: Server = pem ? createHttpsServer({ cert: pem, key: pem }, handler) : createServer(handler);
  server.keepAliveTimeout = idleTimeoutMs(l);
  server.on("upgrade", (req, socket, head: Buffer) => handleUpgrade(ctx, proto, req, socket, head));
  server.on("clientError", (_err, socket) => socket.destroy());
  server.on("connection", () => {
    const live = ctx.listener();
    if (live) ctx.traffic.count(live.loadBalancer.arn, undefined, "NewConnectionCount");
  });
  return {
    server,
    signature: signatureOf(l),
    closeConnections: (all) => (all ? server.closeAllConnections() : server.closeIdleConnections()),
    setIdleTimeout: (ms) => (server.keepAliveTimeout = ms),
  };
}

/** NLB's TCP idle timeout: fixed at 350 s. */
const tcpIdleMs = 350_000;

/** A TCP listener (network load balancer): connections tunnelled whole, closed after NLB's idle timeout. */
function tcpListener(ctx: ProxyContext, l: LiveListener): OpenListener {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.setTimeout(tcpIdleMs, () => socket.destroy());
    handleTcp(ctx, socket);
  });
  return {
    server,
    signature: signatureOf(l),
    // A TCP connection is never known to be idle between requests: only closing all ends them.
    closeConnections: (all) => (all ? sockets.forEach((s) => s.destroy()) : undefined),
    setIdleTimeout: () => undefined,
  };
}

const signatureOf = (l: LiveListener): string => JSON.stringify([l.record.protocol, l.record.certificateArn ?? ""]);
const idleTimeoutMs = (l: LiveListener): number => Number(l.loadBalancer.attributes["idle_timeout.timeout_seconds"] ?? "60") * 1000;
