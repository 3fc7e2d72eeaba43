import type { Logger } from "pino";
import type { Store } from "../state/store.js";

export interface RetentionOptions {
  readonly store: Store;
  /** How long a STOPPED task stays describable (ECS: about an hour; Berth: 7 days by default). */
  readonly retentionMs: number;
  readonly intervalMs: number;
  readonly now: () => number;
  readonly logger: Logger;
}

/** Forgets tasks stopped longer ago than the retention, on a timer. Returns the loop's stop function. */
export function startStoppedTaskRetention(opts: RetentionOptions): () => void {
  const sweep = () => {
    opts.store
      .write((tx) => tx.tasks.purgeStoppedBefore(opts.now() - opts.retentionMs))
      .then(
        (n) => {
          if (n > 0) opts.logger.info({ purged: n }, "forgot stopped tasks past their retention");
        },
        (err: unknown) => opts.logger.error({ err }, "stopped-task retention sweep failed"),
      );
  };
  const timer = setInterval(sweep, opts.intervalMs);
  timer.unref();
  sweep();
  return () => clearInterval(timer);
}
