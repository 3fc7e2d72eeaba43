import type { Store } from "./store.js";

/**
 * Which replica of the control plane runs the controllers (services, lost tasks, retention,
 * schedules, auto scaling, alarms, load balancing, registry maintenance). Every replica serves the
 * API; one leads. `store` is the store as the leader's controllers write to it: once this replica
 * has stopped leading, its writes there are refused (NotLeaderError), so that a leader that lost
 * its lease while a write was under way never acts beside the next one.
 */
export interface Leadership {
  readonly leading: boolean;
  readonly store: Store;
  /** Calls `fn` with true when this replica starts leading, false when it stops; returns the unsubscribe. */
  onChange(fn: (leading: boolean) => void): () => void;
  /**
   * When each replica was last heard (epoch ms), where several share the store; undefined with one.
   * A replica heard within `silentAfterMs` is alive.
   */
  readonly replicas?: () => Promise<ReadonlyMap<string, number>>;
  readonly silentAfterMs?: number;
  /** Stops leading (at once: the others take over when the lease runs out) and stops trying. */
  close(): Promise<void>;
}

/** A write of a controller after its replica stopped leading. */
export class NotLeaderError extends Error {
  override readonly name = "NotLeaderError";
  constructor(readonly term: number) {
    super(`this replica no longer leads (its term ${term} ended): another replica's controllers act now`);
  }
}

/** The only replica there is (the embedded SQLite store): it leads from start to end. */
export function soleLeader(store: Store): Leadership {
  return { leading: true, store, onChange: () => () => undefined, close: () => Promise.resolve() };
}
