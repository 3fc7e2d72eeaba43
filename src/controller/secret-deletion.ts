import type { Store } from "../state/store.js";
import { startSweepTimer, type StoreSweepOptions } from "./sweep-timer.js";

/** Secrets deleted per write, so that a sweep after a long stop never holds the writer for long. */
const perWrite = 100;

/**
 * One sweep: every secret whose recovery window ended by `nowMs` is deleted for good, with its
 * values, in writes of at most 100 secrets. Each is checked again inside its write: a RestoreSecret
 * that came first keeps it. Returns how many were deleted. (Calls treat such a secret as gone
 * already, sweep or not: api/secretsmanager/lookup.ts.)
 */
export async function sweepDeletedSecrets(store: Store, nowMs: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const n = await store.write(async (tx) => {
      const due = await tx.secrets.due(nowMs, perWrite);
      for (const s of due) await tx.secrets.delete(s.name);
      return due.length;
    });
    deleted += n;
    if (n < perWrite) return deleted;
  }
}

/** Deletes secrets at the end of their recovery window, on a timer (Secrets Manager does it "as a background task with low priority"). Returns the stop function. */
export function startSecretDeletion(opts: StoreSweepOptions): () => void {
  return startSweepTimer({
    intervalMs: opts.intervalMs,
    sweep: () => sweepDeletedSecrets(opts.store, opts.now()),
    logger: opts.logger,
    removed: "deleted secrets at the end of their recovery window",
    failed: "secret deletion sweep failed",
  });
}
