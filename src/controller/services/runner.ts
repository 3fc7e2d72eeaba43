import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Partition } from "../../domain/arn.js";
import { newDeploymentId } from "../../domain/service.js";
import { PlacementConflictError } from "../../planner/placement-conflict.js";
import type { Planner } from "../../planner/planner.js";
import { allServices } from "../../state/scan.js";
import type { Store } from "../../state/store.js";
import { isVersionConflict } from "../../state/version-conflict.js";
import { DirtyKeys } from "../dirty-keys.js";
import { applyPlan, eventsKept, type StopGate } from "./apply.js";
import { reconcileService } from "./reconcile.js";
import { DaemonFilters } from "./daemon-filter.js";
import { InstanceFactsCache } from "./instance-facts.js";
import { ZoneCapacity } from "./zone-capacity.js";
import { loadSnapshot, type SnapshotSources } from "./snapshot.js";
import type { OwnRegistry } from "../../registry/own-registry.js";
import { isEmptyPlan, type ReconcileInput, type ReconcileSettings } from "./types.js";
import { wakeAtMs } from "./wake-at.js";

export interface ServiceRunnerOptions {
  readonly store: Store;
  readonly planner: Planner;
  readonly partition: Partition;
  readonly logger: Logger;
  readonly now: () => number;
  readonly random: () => number;
  readonly settings: ReconcileSettings;
  /** Restless services (wake-at.ts) are looked at on this period even without a change, and waiting ones checked for their wake time. */
  readonly tickMs?: number;
  /** The safety sweep: every service, settled or not, is looked at at least this often (default five minutes). */
  readonly sweepMs?: number;
  readonly maxStartsPerApply?: number;
  /** Load balancing hook (issue 11): passed to the apply step, which holds stops back while targets drain. */
  readonly stopGate?: StopGate;
  /** Berth's registry of this region, which revisions pin their own images from (image-pins.ts). */
  readonly registry?: OwnRegistry;
}

const key = (cluster: string, name: string) => `${cluster}\u0000${name}`;

/** What one look at a service leaves: look again at once, never (gone), or at a wake time (wake-at.ts; now: on every tick). */
type Outcome = "again" | "gone" | number;

/**
 * The services controller: one loop per server that reconciles services whose state changed (a
 * task of theirs, an instance they run on, the service itself: from the change log), on each tick
 * the restless ones (a deployment, a task starting), those whose wake time came (a rule that reads
 * the clock: wake-at.ts), and every service in a slow safety sweep. Per service: load a snapshot,
 * reconcile (pure), apply the plan in one write (whose changes the change log delivers). A failing
 * service backs off on its own and says why in its events.
 */
export class ServiceRunner {
  private readonly byCluster = new Map<string, Set<string>>();
  /** Services looked at on every tick, and those waiting for a moment (wake-at.ts): the others are settled. */
  private readonly restless = new Set<string>();
  private readonly waiting = new Map<string, number>();
  /** Which services run tasks on an instance (as of their last reconcile, and task changes since), and which are DAEMON services. */
  private readonly onInstance = new Map<string, Set<string>>();
  private readonly hostsOf = new Map<string, Set<string>>();
  private readonly daemons = new Set<string>();
  private readonly zoneCapacity = new ZoneCapacity();
  /** The safety sweep's place in the list of services, and how many it owes. */
  private sweepAt = 0;
  private sweepOwed = 0;
  /** Whether every service was listed once (at start; on the next tick again if that failed). Later ones arrive by the change log. */
  private listed = false;
  private listing = false;
  private readonly backoff = new Map<string, { untilMs: number; delayMs: number; message: string }>();
  private readonly keys: DirtyKeys;
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  /** Instance facts and compiled DAEMON filters, kept across reconciles (a reconcile reads no instance record). */
  private readonly sources: SnapshotSources;

  constructor(private readonly opts: ServiceRunnerOptions) {
    // Subscribed before this loop's own subscription: a change reaches the facts before it marks a service.
    this.sources = {
      instances: new InstanceFactsCache(opts.store, (err) => opts.logger.error({ err }, "services: instance facts lost a change")),
      daemonFilters: new DaemonFilters(),
      registry: opts.registry,
    };
    this.keys = new DirtyKeys((k) => this.handle(k));
    this.unsubscribe = opts.store.changes.subscribe((c) => {
      if (c.kind === "service") this.mark(c.record.cluster, c.record.name);
      else if (c.kind === "task" && c.record.serviceName !== undefined) {
        this.mark(c.record.cluster, c.record.serviceName);
        this.host(key(c.record.cluster, c.record.serviceName), c.record.containerInstanceArn);
      } else if (c.kind === "instance") {
        this.instanceChanged(c.record.cluster, c.record.arn);
        // A zone with capacity again: its services may be rebalanced into it (az-rebalance.ts).
        if (this.zoneCapacity.update(c.record)) for (const name of this.byCluster.get(c.record.cluster) ?? []) this.mark(c.record.cluster, name);
      }
    });
    this.timer = setInterval(() => this.tick(), opts.tickMs ?? 1000);
    this.list();
  }

  private mark(cluster: string, name: string): void {
    this.keys.mark(key(cluster, name));
  }

  /**
   * An instance changed: the services it concerns are those with tasks on it, DAEMON services, and
   * restless ones (waiting for room, say). Not every service of the cluster: when 5,000 agents come
   * back after a restart, that was 5,000 passes over every service.
   */
  private instanceChanged(cluster: string, instanceArn: string): void {
    for (const k of this.onInstance.get(instanceArn) ?? []) this.keys.mark(k);
    for (const name of this.byCluster.get(cluster) ?? []) {
      const k = key(cluster, name);
      if (this.daemons.has(k) || this.restless.has(k)) this.keys.mark(k);
    }
  }

  private host(k: string, instanceArn: string): void {
    let services = this.onInstance.get(instanceArn);
    if (!services) this.onInstance.set(instanceArn, (services = new Set()));
    services.add(k);
    let hosts = this.hostsOf.get(k);
    if (!hosts) this.hostsOf.set(k, (hosts = new Set()));
    hosts.add(instanceArn);
  }

  /** After a reconcile: the service's hosts are those of its open tasks now. */
  private hosts(k: string, instanceArns: ReadonlySet<string>): void {
    for (const arn of this.hostsOf.get(k) ?? []) if (!instanceArns.has(arn)) this.onInstance.get(arn)?.delete(k);
    this.hostsOf.delete(k);
    for (const arn of instanceArns) this.host(k, arn);
  }

  /** Every service, restless until a reconcile finds it settled. */
  private list(): void {
    if (this.listed || this.listing) return;
    this.listing = true;
    const markAll = async () => {
      for await (const s of allServices(this.opts.store)) {
        if (s.status === "INACTIVE") continue;
        this.byCluster.set(s.cluster, (this.byCluster.get(s.cluster) ?? new Set()).add(s.name));
        this.restless.add(key(s.cluster, s.name));
        this.mark(s.cluster, s.name);
      }
    };
    markAll()
      .then(() => (this.listed = true))
      .catch((err: unknown) => this.opts.logger.error({ err }, "services: listing failed; again on the next tick"))
      .finally(() => (this.listing = false));
  }

  /** The restless services, and the sweep's share of all of them: each tick a slice, so that all are seen every `sweepMs`. */
  private tick(): void {
    this.list();
    for (const k of this.restless) this.keys.mark(k);
    const now = this.opts.now();
    for (const [k, at] of this.waiting) if (at <= now) this.keys.mark(k);
    const all = [...this.byCluster].flatMap(([cluster, names]) => [...names].map((name) => key(cluster, name)));
    this.sweepOwed = Math.min(all.length, this.sweepOwed + (all.length * (this.opts.tickMs ?? 1000)) / (this.opts.sweepMs ?? 300_000));
    for (; this.sweepOwed >= 1; this.sweepOwed--) this.keys.mark(all[this.sweepAt++ % all.length]!);
  }

  /** One dirty service: reconciled unless it is backing off (it stays restless: the timer brings it back then). */
  private async handle(k: string): Promise<void> {
    const [cluster = "", name = ""] = k.split("\u0000");
    const wait = this.backoff.get(k);
    if (wait && wait.untilMs > this.opts.now()) return;
    try {
      const outcome = await this.reconcileOne(cluster, name);
      this.restless.delete(k);
      this.waiting.delete(k);
      if (outcome === "again") this.keys.mark(k);
      if (outcome === "again" || (outcome !== "gone" && outcome <= this.opts.now())) this.restless.add(k);
      else if (outcome !== "gone") this.waiting.set(k, outcome);
      this.backoff.delete(k);
    } catch (err) {
      this.restless.add(k);
      await this.failed(k, cluster, name, err);
    }
  }

  /** One reconcile of one service, and what it leaves (see Outcome). */
  private async reconcileOne(cluster: string, name: string): Promise<Outcome> {
    const { store, planner, logger } = this.opts;
    const snap = await store.read((tx) => loadSnapshot(tx, cluster, name, this.sources));
    if (!snap || snap.service.status === "INACTIVE") {
      this.byCluster.get(cluster)?.delete(name);
      this.hosts(key(cluster, name), new Set());
      this.daemons.delete(key(cluster, name));
      if (snap) this.sources.daemonFilters.forget(snap.service.arn);
      return "gone";
    }
    this.byCluster.set(cluster, (this.byCluster.get(cluster) ?? new Set()).add(name));
    this.hosts(key(cluster, name), new Set(snap.tasks.filter((t) => t.lastStatus !== "STOPPED").map((t) => t.containerInstanceArn)));
    if (snap.service.schedulingStrategy === "DAEMON") this.daemons.add(key(cluster, name));
    else this.daemons.delete(key(cluster, name));
    const nowMs = this.opts.now();
    const input: ReconcileInput = {
      service: snap.service,
      tasks: snap.tasks,
      instances: snap.instances,
      nowMs,
      newDeploymentId: newDeploymentId(this.opts.random),
      settings: this.opts.settings,
      alarms: snap.alarms,
      registryPins: snap.registryPins,
      ownImages: snap.ownImages,
    };
    const plan = reconcileService(input);
    if (isEmptyPlan(plan)) return wakeAtMs(input, plan);
    const ctx = {
      planner,
      partition: this.opts.partition,
      nowMs,
      newEventId: () => randomUUID(),
      maxStarts: this.opts.maxStartsPerApply ?? 1000,
      stopGate: this.opts.stopGate, // load balancing hook (issue 11)
    };
    // The plan was made from a snapshot read outside this write. applyPlan re-reads the service and
    // the tasks it touches, so on one SQLite store nothing changes under it; a replica sharing the
    // store can still save one of them in between (a save refuses: VersionConflictError), or take
    // resources the planner's view did not count yet (its re-check refuses: PlacementConflictError),
    // and the write rolls back. Either way the plan is stale: plan again from a fresh snapshot.
    const outcome = await store
      .write((tx) => applyPlan(tx, ctx, snap, plan))
      .catch((e: unknown): { readonly kind: "conflict" } => {
        if (e instanceof PlacementConflictError) planner.forget(e.cluster);
        if (isVersionConflict(e) || e instanceof PlacementConflictError) return { kind: "conflict" };
        throw e;
      });
    if (outcome.kind === "conflict") return "again";
    const log = logger.child({ cluster, service: name });
    if (plan.starts.length + plan.stops.length + plan.lost.length > 0) {
      log.info(
        { starts: plan.starts.reduce((n, s) => n + s.count, 0), started: outcome.tasks.filter((t) => t.version === 1).length, stops: plan.stops.length, lost: plan.lost.length },
        "service reconciled",
      );
    }
    return outcome.truncated ? "again" : nowMs;
  }

  /** Backs the service off (1 s doubling to 60 s) and records the error as one of its events. */
  private async failed(k: string, cluster: string, name: string, err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    const previous = this.backoff.get(k);
    const delayMs = Math.min(60_000, previous ? previous.delayMs * 2 : 1000);
    this.backoff.set(k, { untilMs: this.opts.now() + delayMs, delayMs, message });
    this.opts.logger.error({ err, cluster, service: name, retryInMs: delayMs }, "service reconcile failed");
    if (previous?.message === message) return;
    await this.opts.store
      .write(async (tx) => {
        const s = await tx.services.get(cluster, name);
        if (s) await tx.services.addEvents(s.arn, [{ id: randomUUID(), createdAtMs: this.opts.now(), message: `(service ${name}) Berth could not reconcile the service: ${message}` }], eventsKept);
      })
      .catch((e: unknown) => this.opts.logger.error({ err: e }, "could not record a service error event"));
  }

  /** Stops the loop and waits for the reconcile in progress to finish. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.unsubscribe();
    await this.keys.stop();
    this.sources.instances.close();
  }
}
