import type { ContainerInstanceRecord } from "../domain/container-instance.js";
import type { ServiceRecord } from "../domain/service.js";
import type { TaskRecord } from "../domain/task.js";
import type { ClusterRecord } from "../domain/cluster.js";

/** What one save changed: the record as saved. */
export type Change =
  | { readonly kind: "cluster"; readonly record: ClusterRecord }
  | { readonly kind: "task"; readonly record: TaskRecord }
  | { readonly kind: "instance"; readonly record: ContainerInstanceRecord }
  | { readonly kind: "service"; readonly record: ServiceRecord };

/** A committed change and its place in the log: revisions increase with every change, across commits. */
export type LoggedChange = Change & { readonly revision: number };

/**
 * The store's change log as its readers see it. Every save of a cluster, container instance, task
 * or service appends its record in the same transaction; subscribers get each committed change
 * once, in revision order, and resume from a revision after a restart. Only the store appends:
 * nothing else can publish a change.
 */
export interface ChangeFeed {
  /** The revision of the newest committed change (0 before the first). */
  head(): Promise<number>;
  /**
   * Committed changes after `revision`, oldest first, at most `limit`. Throws ChangesTrimmedError
   * when the log no longer keeps the change right after `revision`: read the state afresh instead.
   */
  since(revision: number, limit: number): Promise<readonly LoggedChange[]>;
  /**
   * Calls `fn` with every change committed after `from` (default: the newest), each exactly once
   * and in order, synchronously after its commit; older ones are first read back from the store.
   * `fn` must not throw. Returns the unsubscribe function.
   */
  subscribe(fn: (change: LoggedChange) => void, options?: { readonly from?: number; readonly onError?: (err: unknown) => void }): () => void;
}

export class ChangesTrimmedError extends Error {
  constructor(
    readonly revision: number,
    readonly oldestKept: number,
  ) {
    super(`the change log no longer holds the changes after revision ${revision}: it starts at ${oldestKept}`);
    this.name = "ChangesTrimmedError";
  }
}
