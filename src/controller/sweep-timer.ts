import type { Logger } from "pino";
import type { Store } from "../state/store.js";

/** What a controller that sweeps the store on a timer is started with. */
export interface StoreSweepOptions {
  readonly store: Store;
  readonly intervalMs: number;
  readonly now: () => number;
  readonly logger: Logger;
}

export interface SweepTimerOptions {
  readonly intervalMs: number;
  /** One sweep; resolves with how many things it removed. */
  readonly sweep: () => Promise<number>;
  readonly logger: Logger;
  /** Logged (at info) after a sweep that removed something, with the count as `removed`. */
  readonly removed: string;
  /** Logged (at error) when a sweep fails; the next interval tries again. */
  readonly failed: string;
}

/**
 * Runs a retention sweep now and every `intervalMs`, one at a time (a sweep still running when the
 * next is due is not doubled). Returns the stop function: its owner stops it with the controllers.
 */
export function startSweepTimer(opts: SweepTimerOptions): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    opts
      .sweep()
      .then(
        (n) => {
          if (n > 0) opts.logger.info({ removed: n }, opts.removed);
        },
        (err: unknown) => opts.logger.error({ err }, opts.failed),
      )
      .finally(() => {
        running = false;
      });
  };
  const timer = setInterval(tick, opts.intervalMs);
  timer.unref();
  tick();
  return () => clearInterval(timer);
}
