import type { Logger } from "pino";
import type { ContainerInstanceRecord } from "../../domain/container-instance.js";
import { allContainerInstances } from "../../state/scan.js";
import type { Store } from "../../state/store.js";
import { lostAtMs, lostStandaloneTasks, type LostRule } from "./lost-tasks.js";

export interface LostTaskSweeperOptions extends LostRule {
  readonly store: Store;
  readonly now: () => number;
  readonly logger: Logger;
}

/** A sweep that failed (the store refused a write) is tried again this much later. */
const retryMs = 1000;

/**
 * Stops the standalone tasks of instances whose agent stays away past the grace. One timer per
 * disconnected instance, set from the change log (and from a scan at start, for instances that
 * were already disconnected): no polling of every instance.
 */
export class LostTaskSweeper {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly opts: LostTaskSweeperOptions) {}

  /** Subscribes, then schedules every instance already disconnected. */
  async start(): Promise<void> {
    this.unsubscribe = this.opts.store.changes.subscribe((c) => {
      if (c.kind === "instance") this.schedule(c.record);
    });
    for await (const i of allContainerInstances(this.opts.store)) this.schedule(i);
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private schedule(instance: ContainerInstanceRecord, delayMs?: number): void {
    clearTimeout(this.timers.get(instance.arn));
    this.timers.delete(instance.arn);
    const lostAt = lostAtMs(instance, this.opts);
    if (lostAt === undefined || instance.status === "INACTIVE") return;
    const timer = setTimeout(() => this.sweep(instance), delayMs ?? Math.max(0, lostAt - this.opts.now()));
    timer.unref();
    this.timers.set(instance.arn, timer);
  }

  /** Records the instance's standalone tasks lost, re-checking inside the write that its agent is still away. */
  private sweep(scheduled: ContainerInstanceRecord): void {
    const instanceArn = scheduled.arn;
    this.timers.delete(instanceArn);
    const { store, logger } = this.opts;
    store
      .write(async (tx) => {
        const instance = await tx.containerInstances.get(instanceArn);
        if (!instance) return [];
        const lost = lostStandaloneTasks(instance, await tx.tasks.holdingResources(instanceArn), { ...this.opts, nowMs: this.opts.now() });
        for (const t of lost) await tx.tasks.put(t);
        return lost;
      })
      .then(
        (lost) => {
          if (lost.length > 0) logger.warn({ containerInstance: instanceArn, tasks: lost.map((t) => t.id) }, "agent lost: its standalone tasks are recorded STOPPED");
        },
        (err: unknown) => {
          logger.error({ err, containerInstance: instanceArn }, "lost-task sweep failed; trying again");
          if (!this.timers.has(instanceArn) && this.unsubscribe) this.schedule(scheduled, retryMs);
        },
      );
  }
}
