import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import type { Logger } from "pino";
import { Pool } from "undici";
import type { TargetHealth } from "../domain/load-balancing/health.js";
import type { TargetRecord } from "../domain/load-balancing/types.js";
import type { Store } from "../state/store.js";
import { Balancer } from "./balancer.js";
import { loadConfig, type LbConfig, type LiveListener, type LiveTarget } from "./config.js";
import { TargetChecker } from "./health-checker.js";
import { HealthJournal } from "./health-journal.js";
import { restoredCheckState, settledHealth } from "./health-state.js";
import { handleRequest, handleUpgrade, type ProxyContext } from "./proxy.js";
import { handleTcp } from "./tcp-proxy.js";

export interface DataPlaneOptions {
  readonly store: Store;
  /** The address listeners bind (`--lb-bind-address`, default 127.0.0.1). */
  readonly bindAddress: string;
  readonly logger: Logger;
  readonly now: () => number;
  readonly random: () => number;
  /** How often the configuration is re-read without a change being signalled. */
  readonly refreshMs?: number;
}

export interface HealthChange {
  readonly targetGroupArn: string;
  readonly target: TargetRecord;
  readonly health: TargetHealth;
  readonly previous: TargetHealth;
}

interface CheckerEntry {
  readonly checker: TargetChecker;
  readonly signature: string;
  readonly registeredAtMs: number;
  healthySinceMs: number;
}

interface OpenListener {
  readonly server: NetServer;
  readonly signature: string;
  /** Closes connections that carry no request (HTTP) ; `all` closes every one. */
  readonly closeConnections: (all: boolean) => void;
  readonly setIdleTimeout: (ms: number) => void;
}

const emptyConfig: LbConfig = { listeners: [], groups: new Map() };

/**
 * The load balancer's data plane: one socket per listener proxying HTTP/1.1 to healthy targets
 * (node:http servers, undici keep-alive pools per target; see src/lb/README.md for why), health checks per
 * target, and draining: a deregistered target gets no new requests and is let go once its requests
 * in flight are done or its group's deregistration delay has passed. It follows the store: every
 * change the ELBv2 API or the ECS integration makes is applied on `changed()`, and at the latest
 * after `refreshMs`.
 */
export class DataPlane {
  private config: LbConfig = emptyConfig;
  private readonly open = new Map<number, OpenListener>();
  private readonly byPort = new Map<number, LiveListener>();
  /** Ports whose listener could not open, with why: logged once per reason, retried on every refresh. */
  private readonly failedPorts = new Map<number, string>();
  private readonly checkers = new Map<string, CheckerEntry>();
  /** The checker of each target of the current configuration, by the target object the balancer sees. */
  private checkOf = new Map<LiveTarget, CheckerEntry>();
  private readonly pools = new Map<string, Pool>();
  readonly balancer: Balancer;
  private readonly ctx: ProxyContext;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private readonly healthListeners = new Set<(e: HealthChange) => void>();
  private readonly journal: HealthJournal;
  private closed = false;

  constructor(private readonly opts: DataPlaneOptions) {
    this.journal = new HealthJournal({ store: opts.store, logger: opts.logger });
    // With health checks disabled ELB sends requests to every registered target ("unavailable" state).
    this.balancer = new Balancer(
      (arn, t) => {
        // By identity on every request (no key to build); a target of an older configuration by key.
        const c = this.checkOf.get(t) ?? this.checkers.get(`${arn} ${t.key}`);
        if (c === undefined) return this.config.groups.get(arn)?.record.healthCheck.enabled === false ? t.record.registeredAtMs : undefined;
        return c.checker.health.state === "healthy" ? c.healthySinceMs : undefined;
      },
      opts.now,
      opts.random,
    );
    this.ctx = {
      listener: () => undefined,
      group: (arn) => this.config.groups.get(arn),
      balancer: this.balancer,
      poolFor: (t) => this.poolFor(t),
      logger: opts.logger,
      random: opts.random,
      now: opts.now,
      stickySecret: randomBytes(32),
    };
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => this.changed(), this.opts.refreshMs ?? 1000);
  }

  /** Applies the store's state soon (coalesced: at most one refresh runs, one more follows). */
  changed(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.refresh()
      .catch((err: unknown) => this.opts.logger.error({ err }, "load balancer: refresh failed"))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.changed();
        }
      });
  }

  /** Calls `fn` whenever a target's health-check state changes (the ECS integration listens); returns the unsubscribe. */
  onHealthChange(fn: (e: HealthChange) => void): () => void {
    this.healthListeners.add(fn);
    return () => this.healthListeners.delete(fn);
  }

  /** Health of a group's targets by `id:port`, as the checks found it. */
  health(targetGroupArn: string): ReadonlyMap<string, TargetHealth> {
    const out = new Map<string, TargetHealth>();
    const prefix = `${targetGroupArn} `;
    for (const [k, c] of this.checkers) if (k.startsWith(prefix)) out.set(k.slice(prefix.length), c.checker.health);
    return out;
  }

  portAvailable(port: number): Promise<boolean> {
    if (this.open.has(port)) return Promise.resolve(false);
    return new Promise((resolve) => {
      const probe = createNetServer();
      probe.once("error", () => resolve(false));
      probe.listen({ host: this.opts.bindAddress, port, exclusive: true }, () => probe.close(() => resolve(true)));
    });
  }

  private async refresh(): Promise<void> {
    const config = await loadConfig(this.opts.store);
    if (this.closed) return;
    this.config = config;
    this.applyListeners();
    this.applyTargets();
    // After the routing table stopped sending new requests to draining targets (above, with no
    // await in between), a draining target with nothing in flight is done.
    await this.finishDrains();
  }

  private applyListeners(): void {
    const wanted = new Map(this.config.listeners.map((l) => [l.record.port, l]));
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

  private applyTargets(): void {
    const wanted = new Set<string>();
    const checkOf = new Map<LiveTarget, CheckerEntry>();
    const addresses = new Set<string>();
    for (const g of this.config.groups.values()) {
      for (const t of g.targets) {
        addresses.add(`${t.address}:${t.record.port}`);
        if (t.record.state !== "registered" || !g.record.healthCheck.enabled) continue;
        const key = `${g.record.arn} ${t.key}`;
        wanted.add(key);
        const signature = JSON.stringify([g.record.healthCheck, t.address, t.record.registeredAtMs]);
        const existing = this.checkers.get(key);
        if (existing?.signature === signature) {
          checkOf.set(t, existing);
          continue;
        }
        existing?.checker.stop();
        const target = t.record;
        // The same registration under a changed health check (not a target registered anew).
        const same = existing?.registeredAtMs === target.registeredAtMs ? existing : undefined;
        const checker = new TargetChecker(
          { address: t.address, port: t.record.port, healthCheck: g.record.healthCheck },
          (health, previous) => {
            const nowMs = this.opts.now();
            // Slow start counts from here.
            const entry = this.checkers.get(key);
            if (entry?.checker === checker && health.state === "healthy") entry.healthySinceMs = nowMs;
            this.journal.record(target, settledHealth(health, nowMs));
            this.healthListeners.forEach((fn) => fn({ targetGroupArn: g.record.arn, target, health, previous }));
          },
          // A changed health check goes on from the target's health; else it is kept from before a
          // restart: a healthy target keeps serving while its first checks run.
          same ? same.checker.checkState : restoredCheckState(target.lastHealth),
        );
        const since = same?.healthySinceMs ?? (target.lastHealth?.state === "healthy" ? target.lastHealth.sinceMs : this.opts.now());
        const entry: CheckerEntry = { checker, signature, registeredAtMs: target.registeredAtMs, healthySinceMs: since };
        this.checkers.set(key, entry);
        checkOf.set(t, entry);
      }
    }
    this.checkOf = checkOf;
    for (const [key, c] of this.checkers) {
      if (wanted.has(key)) continue;
      c.checker.stop();
      this.checkers.delete(key);
    }
    for (const [key, pool] of this.pools) {
      if (addresses.has(key)) continue;
      this.pools.delete(key);
      void pool.destroy().catch(() => undefined);
    }
  }

  private async finishDrains(): Promise<void> {
    const nowMs = this.opts.now();
    const done: TargetRecord[] = [];
    for (const g of this.config.groups.values()) {
      for (const t of g.targets) {
        if (t.record.state !== "draining") continue;
        if (this.balancer.count(g.record.arn, t.key) === 0 || nowMs >= (t.record.drainUntilMs ?? 0)) done.push(t.record);
      }
    }
    if (done.length === 0) return;
    await this.opts.store.write(async (tx) => {
      for (const d of done) {
        const current = (await tx.loadBalancing.targets(d.targetGroupArn)).find((t) => t.id === d.id && t.port === d.port);
        if (current?.state !== "draining") continue;
        // A service's target stays as a tombstone until its task stops, so that it is not registered again.
        if (current.taskArn !== undefined) await tx.loadBalancing.putTarget({ ...current, state: "deregistered", drainUntilMs: undefined });
        else await tx.loadBalancing.removeTarget(current.targetGroupArn, current.id, current.port);
      }
    });
    this.changed();
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
    this.closed = true;
    clearInterval(this.timer);
    await this.running;
    for (const c of this.checkers.values()) c.checker.stop();
    this.checkers.clear();
    await this.journal.flush();
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
