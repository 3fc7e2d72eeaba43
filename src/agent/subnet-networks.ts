/**
 * The one owner, per agent, of the Docker networks that stand for awsvpc subnets
 * (docker/pause-container.ts). A task holds its subnet's network from before its pause container
 * is created until that container is gone; the network is removed only once no task of this
 * agent has held it for `idleMs`, so tasks started back to back neither wait for a new network
 * nor see theirs removed between its check and their container's start (Docker removes a network
 * whose containers are created but not yet started).
 *
 * Another agent on the same engine (`berth up` runs two) keeps its own count and may remove a
 * network this agent is about to use: a create or start that then fails asks {@link recheck},
 * which makes the network again, and tries once more.
 *
 * Per network, checks, creations and removals run one at a time, in the order asked.
 */
import type { Logger } from "pino";
import type { DockerEngine } from "./docker/docker-engine.js";
import { subnetNetworkLabels, subnetNetworkName } from "./docker/pause-container.js";

interface Entry {
  /** Tasks of this agent holding the network now. */
  users: number;
  /** The network is known to exist (made or checked by this agent, and not removed since). */
  present: boolean;
  /** The last check, creation or removal asked for; never rejects. */
  work: Promise<void>;
  idle?: NodeJS.Timeout | undefined;
}

export interface SubnetNetworksOptions {
  readonly docker: Pick<DockerEngine, "ensureNetwork" | "removeNetwork">;
  /** How long a network no task holds is kept for the next task of its subnet. */
  readonly idleMs: number;
  readonly logger: Logger;
}

/** How long an unused subnet network is kept by default: tasks of a subnet often follow each other. */
export const defaultSubnetNetworkIdleMs = 30_000;

export class SubnetNetworks {
  private readonly entries = new Map<string, Entry>();
  private stopped = false;

  constructor(private readonly opts: SubnetNetworksOptions) {}

  /** A task will use the subnet's network: it exists when this resolves, and is kept until {@link release}. */
  async acquire(subnet: string): Promise<string> {
    const name = subnetNetworkName(subnet);
    const entry = this.hold(name);
    try {
      await this.ensure(entry, subnet);
    } catch (err) {
      this.release(name);
      throw err;
    }
    return name;
  }

  /** An adopted task's network (its pause container runs on it): held, known to exist. */
  adopt(name: string): void {
    this.hold(name).present = true;
  }

  /** A task no longer uses the network: once no task has held it for the idle time, it is removed. */
  release(name: string): void {
    const entry = this.entries.get(name);
    if (entry === undefined || entry.users === 0) return;
    entry.users -= 1;
    if (entry.users > 0 || this.stopped) return;
    clearTimeout(entry.idle);
    entry.idle = setTimeout(() => void this.removeIfIdle(name), this.opts.idleMs);
    entry.idle.unref();
  }

  /**
   * A container on the subnet's network failed to be created or started: if the network had gone
   * (another agent on this engine removed it), it is made again and the caller may try once more.
   * Resolves true when it was missing.
   */
  async recheck(subnet: string): Promise<boolean> {
    const entry = this.entry(subnetNetworkName(subnet));
    entry.present = false;
    let created = false;
    await this.serially(entry, async () => {
      created = (await this.opts.docker.ensureNetwork(subnetNetworkName(subnet), subnetNetworkLabels(subnet))) === "created";
      entry.present = true;
    });
    return created;
  }

  /** Resolves once the checks, creations and removals asked for so far are done (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.work));
  }

  /** The agent stops: the networks no task holds go now; those its tasks hold stay with the tasks. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const [name, entry] of this.entries) {
      clearTimeout(entry.idle);
      if (entry.users === 0) void this.removeIfIdle(name);
    }
    await this.settled();
  }

  private hold(name: string): Entry {
    const entry = this.entry(name);
    entry.users += 1;
    clearTimeout(entry.idle);
    entry.idle = undefined;
    return entry;
  }

  private entry(name: string): Entry {
    let entry = this.entries.get(name);
    if (entry === undefined) {
      entry = { users: 0, present: false, work: Promise.resolve() };
      this.entries.set(name, entry);
    }
    return entry;
  }

  private ensure(entry: Entry, subnet: string): Promise<void> {
    // Known to exist and no removal can start while this task holds it: no engine call.
    if (entry.present) return Promise.resolve();
    return this.serially(entry, async () => {
      if (entry.present) return;
      await this.opts.docker.ensureNetwork(subnetNetworkName(subnet), subnetNetworkLabels(subnet));
      entry.present = true;
    });
  }

  private removeIfIdle(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (entry === undefined) return Promise.resolve();
    return this.serially(entry, async () => {
      // A task took it while the removal waited its turn.
      if (entry.users > 0) return;
      entry.present = false;
      await this.opts.docker.removeNetwork(name);
      if (entry.users === 0 && !entry.present) this.entries.delete(name);
    }).catch((err: unknown) => this.opts.logger.warn({ err, network: name }, "removing an idle subnet network failed"));
  }

  /** Runs `step` after the network's earlier steps; the caller sees its failure, the queue does not. */
  private serially(entry: Entry, step: () => Promise<void>): Promise<void> {
    const done = entry.work.then(step);
    entry.work = done.catch(() => undefined);
    return done;
  }
}
