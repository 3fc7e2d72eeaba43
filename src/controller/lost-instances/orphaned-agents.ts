import type { Logger } from "pino";
import type { ContainerInstanceRecord } from "../../domain/container-instance.js";
import { allContainerInstances } from "../../state/scan.js";
import type { Store } from "../../state/store.js";

/** An instance whose agent's replica has gone silent: its agent counts as away since then. */
export interface Orphan {
  readonly arn: string;
  readonly sinceMs: number;
}

/**
 * Which instances still say their agent is connected while the replica holding its session is
 * silent (not heard within `silentAfterMs`, or never heard): the agent is away since that replica
 * was last heard. Pure: the sweep below applies it.
 */
export function orphans(
  instances: Iterable<Pick<ContainerInstanceRecord, "arn" | "agentConnected" | "agentReplica">>,
  replicas: ReadonlyMap<string, number>,
  nowMs: number,
  silentAfterMs: number,
): Orphan[] {
  const found: Orphan[] = [];
  for (const i of instances) {
    if (!i.agentConnected || i.agentReplica === undefined) continue;
    const seen = replicas.get(i.agentReplica);
    if (seen === undefined || nowMs - seen > silentAfterMs) found.push({ arn: i.arn, sinceMs: seen ?? nowMs });
  }
  return found;
}

export interface OrphanedAgentSweepOptions {
  readonly store: Store;
  readonly replicas: () => Promise<ReadonlyMap<string, number>>;
  readonly silentAfterMs: number;
  readonly everyMs: number;
  readonly now: () => number;
  readonly logger: Logger;
}

/**
 * The leader's look, every `everyMs`, at the agents held by other replicas: when a replica dies,
 * nobody is left to record its agents' sessions ending, so the leader records them away since the
 * replica was last heard. From there the lost-agent rule runs as for any agent that went away: an
 * agent that reconnects to a live replica first (agents fail over within seconds) loses nothing.
 * The instances connected through each replica are followed from the change log, not scanned.
 */
export class OrphanedAgentSweep {
  private readonly connected = new Map<string, Pick<ContainerInstanceRecord, "arn" | "agentConnected" | "agentReplica">>();
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(private readonly opts: OrphanedAgentSweepOptions) {}

  async start(): Promise<void> {
    this.unsubscribe = this.opts.store.changes.subscribe((c) => {
      if (c.kind === "instance") this.follow(c.record);
    });
    for await (const i of allContainerInstances(this.opts.store)) this.follow(i);
    this.timer = setInterval(() => void this.sweep(), this.opts.everyMs);
    this.timer.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    clearInterval(this.timer);
  }

  private follow(i: ContainerInstanceRecord): void {
    if (i.agentConnected && i.agentReplica !== undefined) this.connected.set(i.arn, { arn: i.arn, agentConnected: true, agentReplica: i.agentReplica });
    else this.connected.delete(i.arn);
  }

  private async sweep(): Promise<void> {
    if (this.sweeping || this.connected.size === 0) return;
    this.sweeping = true;
    const { store, logger } = this.opts;
    try {
      const replicas = await this.opts.replicas();
      const nowMs = this.opts.now();
      const found = orphans(this.connected.values(), replicas, nowMs, this.opts.silentAfterMs);
      if (found.length === 0) return;
      // Re-checked inside the write: an agent that reattached to a live replica meanwhile stays connected.
      const marked = await store.write(async (tx) => {
        const records: ContainerInstanceRecord[] = [];
        for (const o of found) {
          const i = await tx.containerInstances.get(o.arn);
          if (i === undefined || orphans([i], replicas, nowMs, this.opts.silentAfterMs).length === 0) continue;
          await tx.containerInstances.put({ ...i, agentConnected: false, agentDisconnectedAtMs: o.sinceMs, version: i.version + 1 });
          records.push(i);
        }
        return records;
      });
      for (const i of marked) logger.warn({ instance: i.arn, replica: i.agentReplica }, "the replica holding this agent went silent: the agent counts as away");
    } catch (err) {
      logger.error({ err }, "orphaned agents: the sweep failed; it runs again");
    } finally {
      this.sweeping = false;
    }
  }
}
