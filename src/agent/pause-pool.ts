/**
 * Pause containers started ahead, per recently used subnet, so that an awsvpc task's namespace
 * (and its address) is ready before its RunTask arrives: the task claims one instead of creating
 * and starting its own, which is most of what awsvpc adds to a task's start.
 *
 * Invariants:
 * - A pooled container carries the pool's label (`berth.pause-pool=<subnet>`), never a task's
 *   labels: it is never adopted as a task's container. A task claims it by renaming it
 *   `berth-pause-<task id>` (labels cannot change); after an agent restart, a claimed one whose
 *   task is found is adopted as that task's pause container, and every other pooled one is removed.
 * - Bounded: at most `perSubnet` containers for each of the `maxSubnets` subnets used last. A
 *   subnet no task has claimed from for `idleMs` loses its containers; `stop` removes them all.
 * - Each pooled container holds its subnet's network (subnet-networks.ts); a claim hands the hold
 *   to the task.
 * - Refills wait `refillDelayMs` after a claim, off the claiming task's own start.
 * - Pooled containers are not in any task's cgroup (no task is known when they start): a pause
 *   container only sleeps, capped at 16 MiB and the smallest cpu weight.
 */
import type { Logger } from "pino";
import type { DockerEngine, ListedContainer } from "./docker/docker-engine.js";
import { claimedPauseName, claimedTaskId, pauseCreateSpec, pausePoolLabel, type NetworkInterface, type PauseSettings } from "./docker/pause-container.js";
import { nameSuffix, randomInt63 } from "./docker/naming.js";
import type { SubnetNetworks } from "./subnet-networks.js";

/** A started pause container, with its address on its subnet's network. */
export interface PooledPause {
  readonly id: string;
  readonly name: string;
  readonly network: string;
  readonly eni: NetworkInterface;
}

export interface PausePoolOptions {
  readonly docker: DockerEngine;
  readonly networks: SubnetNetworks;
  readonly pause: PauseSettings;
  /** Labels every pause container of this agent carries (its instance's). */
  readonly labels: Readonly<Record<string, string>>;
  readonly perSubnet: number;
  readonly maxSubnets: number;
  readonly idleMs: number;
  readonly refillDelayMs: number;
  readonly logger: Logger;
}

interface SubnetPool {
  readonly ready: PooledPause[];
  filling: number;
  refill?: NodeJS.Timeout | undefined;
  idle?: NodeJS.Timeout | undefined;
}

export class PausePool {
  /** By subnet, least recently used first. */
  private readonly pools = new Map<string, SubnetPool>();
  private readonly work = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly opts: PausePoolOptions) {}

  /**
   * A task of `subnet` takes a ready pause container, renamed for it; undefined when none is ready
   * (the task makes its own, and the subnet's pool fills for the next task).
   */
  async claim(subnet: string, taskId: string): Promise<PooledPause | undefined> {
    if (this.stopped) return undefined;
    const pool = this.touch(subnet);
    const taken = pool.ready.shift();
    this.scheduleRefill(subnet, pool);
    if (taken === undefined) return undefined;
    const name = claimedPauseName(taskId);
    try {
      // One that died while it waited (killed by hand, the engine restarted) would fail the task's start.
      if ((await this.opts.docker.inspectContainer(taken.id)).State.Running !== true) throw new Error("it is not running any more");
      await this.opts.docker.renameContainer(taken.id, name);
    } catch (err) {
      this.opts.logger.warn({ err, container: taken.name }, "a pooled pause container could not be claimed; removing it");
      await this.discard(taken);
      return undefined;
    }
    return { ...taken, name };
  }

  /**
   * After an agent restart: pooled containers found in Docker. One claimed by a task the agent
   * adopted is handed to `adopt`; every other one is removed.
   */
  async sweep(found: readonly ListedContainer[], adopt: (taskId: string, container: ListedContainer) => Promise<boolean>): Promise<void> {
    for (const c of found.filter((x) => x.labels[pausePoolLabel] !== undefined)) {
      const taskId = claimedTaskId(c.name);
      if (taskId !== undefined && (await adopt(taskId, c))) continue;
      await this.opts.docker.removeContainer(c.id, { force: true });
    }
  }

  /** Resolves once the fills and removals under way, and the refills already scheduled, are done (tests). */
  async settled(): Promise<void> {
    for (;;) {
      if (this.work.size > 0) await Promise.all([...this.work]);
      else if ([...this.pools.values()].some((p) => p.refill !== undefined)) await new Promise((r) => setTimeout(r, this.opts.refillDelayMs));
      else return;
    }
  }

  /** The agent stops: every pooled container is removed and its network let go. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const pool of this.pools.values()) {
      clearTimeout(pool.refill);
      pool.refill = undefined;
      clearTimeout(pool.idle);
    }
    await this.settled();
    for (const subnet of [...this.pools.keys()]) await this.drain(subnet);
  }

  /** The subnet was just used: most recent, its idle time starts again; the least recent beyond the bound is drained. */
  private touch(subnet: string): SubnetPool {
    const pool = this.pools.get(subnet) ?? { ready: [], filling: 0 };
    this.pools.delete(subnet);
    this.pools.set(subnet, pool);
    clearTimeout(pool.idle);
    pool.idle = setTimeout(() => this.track(this.drain(subnet)), this.opts.idleMs);
    pool.idle.unref();
    for (const old of [...this.pools.keys()].slice(0, Math.max(0, this.pools.size - this.opts.maxSubnets))) this.track(this.drain(old));
    return pool;
  }

  private scheduleRefill(subnet: string, pool: SubnetPool): void {
    clearTimeout(pool.refill);
    pool.refill = setTimeout(() => {
      pool.refill = undefined;
      for (let n = pool.ready.length + pool.filling; n < this.opts.perSubnet; n++) this.track(this.fill(subnet, pool));
    }, this.opts.refillDelayMs);
    pool.refill.unref();
  }

  private async fill(subnet: string, pool: SubnetPool): Promise<void> {
    pool.filling += 1;
    let network: string | undefined;
    let id: string | undefined;
    try {
      network = await this.opts.networks.acquire(subnet);
      const name = `berth-pool-${subnet}-${nameSuffix(randomInt63())}`;
      id = await this.opts.docker.createContainer(pauseCreateSpec({ name, taskArn: undefined, subnet, pause: this.opts.pause, labels: this.opts.labels }));
      await this.opts.docker.startContainer(id);
      const address = (await this.opts.docker.inspectContainer(id)).NetworkSettings?.Networks?.[network];
      if (!address?.IPAddress) throw new Error(`the pooled pause container got no address on ${network}`);
      const pooled = { id, name, network, eni: { privateIPv4Address: address.IPAddress, macAddress: address.MacAddress ?? "" } };
      // The subnet was drained (idle, or the agent stops) while this one started.
      if (this.stopped || this.pools.get(subnet) !== pool) await this.discard(pooled);
      else pool.ready.push(pooled);
    } catch (err) {
      this.opts.logger.warn({ err, subnet }, "a pause container could not be started ahead");
      if (id !== undefined) await this.opts.docker.removeContainer(id, { force: true }).catch(() => undefined);
      if (network !== undefined) this.opts.networks.release(network);
    } finally {
      pool.filling -= 1;
    }
  }

  private async drain(subnet: string): Promise<void> {
    const pool = this.pools.get(subnet);
    if (pool === undefined) return;
    this.pools.delete(subnet);
    clearTimeout(pool.refill);
    clearTimeout(pool.idle);
    for (const pooled of pool.ready.splice(0)) await this.discard(pooled);
  }

  private async discard(pooled: PooledPause): Promise<void> {
    await this.opts.docker.removeContainer(pooled.id, { force: true }).catch((err: unknown) => this.opts.logger.warn({ err, container: pooled.name }, "removing a pooled pause container failed"));
    this.opts.networks.release(pooled.network);
  }

  private track(p: Promise<void>): void {
    const done = p.catch((err: unknown) => this.opts.logger.warn({ err }, "pause pool work failed"));
    this.work.add(done);
    void done.finally(() => this.work.delete(done));
  }
}
