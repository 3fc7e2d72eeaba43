import type { Store } from "../state/store.js";
import { startSweepTimer, type StoreSweepOptions } from "./sweep-timer.js";

const dayMs = 86_400_000;
/** Events deleted per write, so that a sweep of a large group never holds the writer for long. */
const perWrite = 10_000;

/**
 * One sweep: every log group with a retention loses its events older than `retentionInDays` days
 * before `nowMs`, in writes of at most 10,000 events. Returns how many were deleted.
 */
export async function sweepLogRetention(store: Store, nowMs: number): Promise<number> {
  const groups = await store.read((tx) => tx.logs.retainedGroups());
  let deleted = 0;
  for (const g of groups) {
    if (g.retentionDays === undefined) continue;
    const beforeMs = nowMs - g.retentionDays * dayMs;
    for (;;) {
      const n = await store.write((tx) => tx.logs.expire(g.name, beforeMs, perWrite));
      deleted += n;
      if (n < perWrite) break;
    }
  }
  return deleted;
}

/** Applies log groups' retention on a timer (CloudWatch deletes expired events within days; Berth each interval). Returns the stop function. */
export function startLogRetention(opts: StoreSweepOptions): () => void {
  return startSweepTimer({
    intervalMs: opts.intervalMs,
    sweep: () => sweepLogRetention(opts.store, opts.now()),
    logger: opts.logger,
    removed: "deleted log events past their group's retention",
    failed: "log retention sweep failed",
  });
}
