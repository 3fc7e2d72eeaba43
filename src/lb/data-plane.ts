import { randomBytes } from "node:crypto";
import { createServer as createNetServer } from "node:net";
import type { Logger } from "pino";
import type { TargetHealth } from "../domain/load-balancing/health.js";
import type { LoadBalancerRecord, TargetRecord } from "../domain/load-balancing/types.js";
import type { Store } from "../state/store.js";
import { actionsOf, loadConfig, type LbConfig } from "./config.js";
import { TargetChecker } from "./health-checker.js";
import { HealthJournal } from "./health-journal.js";
import { restoredCheckState, settledHealth } from "./health-state.js";
import { LocalServing } from "./local-serving.js";
import { groupTargetKey, type Serving, type ServingView } from "./serving-view.js";
import { TrafficTally, type Attachment, type ElbMetricInputs, type TrafficEntries } from "./traffic.js";
import { WorkerPool } from "./worker-pool.js";

export interface DataPlaneOptions {
  readonly store: Store;
  /** The address listeners bind (`--lb-bind-address`, default 127.0.0.1). */
  readonly bindAddress: string;
  readonly logger: Logger;
  readonly now: () => number;
  readonly random: () => number;
  /** How often the configuration is re-read without a change being signalled. */
  readonly refreshMs?: number;
  /**
   * Listener workers (`--lb-workers`): 0 serves the listeners on this process's event loop; N
   * forks N worker processes (worker-pool.ts) that serve them, and `logLevel` is theirs.
   */
  readonly workers?: { readonly count: number; readonly logLevel: string };
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

const emptyConfig: LbConfig = { listeners: [], groups: new Map() };

/**
 * The load balancer's data plane: one socket per listener proxying HTTP/1.1 to healthy targets
 * (node:http servers, undici keep-alive pools per target; see src/lb/README.md for why), health checks per
 * target, and draining: a deregistered target gets no new requests and is let go once its requests
 * in flight are done or its group's deregistration delay has passed. It follows the store: every
 * change the ELBv2 API or the ECS integration makes is applied on `changed()`, and at the latest
 * after `refreshMs`. It decides; the listeners themselves are served where `Serving` says (this
 * process, or listener workers), from whole views handed over after every change of the
 * configuration or of a target's health.
 */
export class DataPlane {
  private config: LbConfig = emptyConfig;
  private readonly checkers = new Map<string, CheckerEntry>();
  private readonly serving: Serving;
  /** The workers' process ids, when listeners are served by workers. */
  readonly workerPids: () => number[];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private readonly healthListeners = new Set<(e: HealthChange) => void>();
  private readonly journal: HealthJournal;
  /** The traffic of every {@link metricInputs} so far. */
  private readonly totals = new TrafficTally();
  private closed = false;

  constructor(private readonly opts: DataPlaneOptions) {
    this.journal = new HealthJournal({ store: opts.store, logger: opts.logger });
    const shared = { bindAddress: opts.bindAddress, logger: opts.logger, stickySecret: randomBytes(32) };
    const workers = opts.workers?.count ?? 0;
    if (workers > 0) {
      const pool = new WorkerPool({ ...shared, count: workers, logLevel: opts.workers?.logLevel ?? "info" });
      this.serving = pool;
      this.workerPids = () => pool.pids();
    } else {
      this.serving = new LocalServing({ ...shared, now: opts.now, random: opts.random });
      this.workerPids = () => [];
    }
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

  /**
   * The traffic every serving process counted since the last call, and the health of each load
   * balancer's target groups now (CloudWatch's metrics take one sample of each at every tick). The
   * traffic is added to {@link trafficTotals}' as well.
   */
  metricInputs(): ElbMetricInputs {
    const traffic = this.serving.drainTraffic();
    this.totals.merge(traffic);
    return { ...this.attachments(), traffic };
  }

  /** The traffic counted since the server started, up to the last {@link metricInputs} (Prometheus' counters). */
  trafficTotals(): TrafficEntries {
    return this.totals.entries();
  }

  /** Each load balancer, and the health of each of its target groups now. */
  attachments(): Omit<ElbMetricInputs, "traffic"> {
    const eligible = new Set(this.view().eligible.map(([key]) => key));
    const loadBalancers = new Map<string, LoadBalancerRecord>();
    const attachments = new Map<string, Attachment>();
    for (const l of this.config.listeners) {
      loadBalancers.set(l.loadBalancer.arn, l.loadBalancer);
      for (const a of actionsOf(l)) {
        if (a.type !== "forward") continue;
        for (const { targetGroupArn } of a.targetGroups) {
          const group = this.config.groups.get(targetGroupArn);
          const key = groupTargetKey(l.loadBalancer.arn, targetGroupArn);
          if (!group || attachments.has(key)) continue;
          let healthy = 0;
          let unhealthy = 0;
          for (const t of group.targets) {
            const k = groupTargetKey(targetGroupArn, t.key);
            if (eligible.has(k)) healthy++;
            else if (t.record.state === "registered" && this.checkers.get(k)?.checker.health.state === "unhealthy") unhealthy++;
          }
          attachments.set(key, { loadBalancer: l.loadBalancer, groupArn: targetGroupArn, healthy, unhealthy });
        }
      }
    }
    return { loadBalancers: [...loadBalancers.values()], attachments: [...attachments.values()] };
  }

  portAvailable(port: number): Promise<boolean> {
    if (this.config.listeners.some((l) => l.record.port === port)) return Promise.resolve(false);
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
    this.applyTargets();
    const draining: string[] = [];
    for (const g of config.groups.values()) for (const t of g.targets) if (t.record.state === "draining") draining.push(groupTargetKey(g.record.arn, t.key));
    // Once every serving process has applied the view (draining targets get nothing new from it), a
    // draining target that none of them has anything in flight on is done.
    const inFlight = await this.serving.apply(this.view(), draining);
    if (this.closed) return;
    await this.finishDrains(inFlight);
  }

  /** What the listeners serve now: the configuration, and the targets that may take new requests. */
  private view(): ServingView {
    const eligible: [string, number][] = [];
    for (const g of this.config.groups.values()) {
      for (const t of g.targets) {
        if (t.record.state !== "registered") continue;
        const key = groupTargetKey(g.record.arn, t.key);
        // With health checks disabled ELB sends requests to every registered target ("unavailable" state).
        if (!g.record.healthCheck.enabled) eligible.push([key, t.record.registeredAtMs]);
        else {
          const c = this.checkers.get(key);
          if (c?.checker.health.state === "healthy") eligible.push([key, c.healthySinceMs]);
        }
      }
    }
    return { listeners: this.config.listeners, groups: [...this.config.groups.values()], eligible };
  }

  /** Hands the listeners a view after a target's health changed (not waited on: nothing is counted). */
  private publish(): void {
    if (this.closed) return;
    void this.serving.apply(this.view(), []);
  }

  private applyTargets(): void {
    const wanted = new Set<string>();
    for (const g of this.config.groups.values()) {
      for (const t of g.targets) {
        if (t.record.state !== "registered" || !g.record.healthCheck.enabled) continue;
        const key = groupTargetKey(g.record.arn, t.key);
        wanted.add(key);
        const signature = JSON.stringify([g.record.healthCheck, t.address, t.record.registeredAtMs]);
        const existing = this.checkers.get(key);
        if (existing?.signature === signature) continue;
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
            // The listeners first: an unhealthy target gets no new request from here on.
            if (entry?.checker === checker) this.publish();
            this.journal.record(target, settledHealth(health, nowMs));
            this.healthListeners.forEach((fn) => fn({ targetGroupArn: g.record.arn, target, health, previous }));
          },
          // A changed health check goes on from the target's health; else it is kept from before a
          // restart: a healthy target keeps serving while its first checks run.
          same ? same.checker.checkState : restoredCheckState(target.lastHealth),
        );
        const since = same?.healthySinceMs ?? (target.lastHealth?.state === "healthy" ? target.lastHealth.sinceMs : this.opts.now());
        this.checkers.set(key, { checker, signature, registeredAtMs: target.registeredAtMs, healthySinceMs: since });
      }
    }
    for (const [key, c] of this.checkers) {
      if (wanted.has(key)) continue;
      c.checker.stop();
      this.checkers.delete(key);
    }
  }

  private async finishDrains(inFlight: ReadonlyMap<string, number>): Promise<void> {
    const nowMs = this.opts.now();
    const done: TargetRecord[] = [];
    for (const g of this.config.groups.values()) {
      for (const t of g.targets) {
        if (t.record.state !== "draining") continue;
        if ((inFlight.get(groupTargetKey(g.record.arn, t.key)) ?? Infinity) === 0 || nowMs >= (t.record.drainUntilMs ?? 0)) done.push(t.record);
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

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.running;
    for (const c of this.checkers.values()) c.checker.stop();
    this.checkers.clear();
    await this.journal.flush();
    await this.serving.close();
  }
}
