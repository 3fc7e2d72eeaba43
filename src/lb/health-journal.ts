import type { Logger } from "pino";
import type { SettledHealth, TargetRecord } from "../domain/load-balancing/types.js";
import type { Store } from "../state/store.js";

interface Pending {
  readonly target: TargetRecord;
  readonly health: SettledHealth | undefined;
}

/**
 * Keeps each target's last settled health with its registration in the store, so that a server
 * restart does not send healthy targets back to `initial` (and the listeners to 503s). Health
 * changes are rare (transitions only): they are written as they come, coalesced into one write
 * while one is under way. Owned by the data plane, which flushes it on close.
 */
export class HealthJournal {
  private readonly pending = new Map<string, Pending>();
  private writing: Promise<void> | undefined;

  constructor(private readonly opts: { readonly store: Store; readonly logger: Logger }) {}

  record(target: TargetRecord, health: SettledHealth | undefined): void {
    this.pending.set(`${target.targetGroupArn} ${target.id}:${target.port}`, { target, health });
    this.writing ??= this.drain().finally(() => (this.writing = undefined));
  }

  /** Resolves once everything recorded so far is written. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0) {
      const batch = [...this.pending.values()];
      this.pending.clear();
      try {
        await this.opts.store.write(async (tx) => {
          for (const { target, health } of batch) {
            const current = (await tx.loadBalancing.targets(target.targetGroupArn)).find((t) => t.id === target.id && t.port === target.port);
            // Only for the same registration: a target registered again since starts over.
            if (current?.registeredAtMs !== target.registeredAtMs || current.state !== "registered") continue;
            await tx.loadBalancing.putTarget({ ...current, lastHealth: health });
          }
        });
      } catch (err) {
        // Not kept means only that a restart starts this target at initial; the next change tries again.
        this.opts.logger.warn({ err, targets: batch.length }, "load balancer: could not keep target health");
      }
    }
  }
}
