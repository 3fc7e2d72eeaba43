import { startSweepTimer, type StoreSweepOptions } from "./sweep-timer.js";

export interface RetentionOptions extends StoreSweepOptions {
  /** How long a STOPPED task stays describable (ECS: about an hour; Berth: 7 days by default). */
  readonly retentionMs: number;
}

/** Forgets tasks stopped longer ago than the retention, on a timer. Returns the loop's stop function. */
export function startStoppedTaskRetention(opts: RetentionOptions): () => void {
  return startSweepTimer({
    intervalMs: opts.intervalMs,
    sweep: () => opts.store.write((tx) => tx.tasks.purgeStoppedBefore(opts.now() - opts.retentionMs)),
    logger: opts.logger,
    removed: "forgot stopped tasks past their retention",
    failed: "stopped-task retention sweep failed",
  });
}
