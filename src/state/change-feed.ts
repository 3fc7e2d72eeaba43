import type { ContainerInstanceRecord } from "../domain/container-instance.js";
import type { ServiceRecord } from "../domain/service.js";
import type { TaskRecord } from "../domain/task.js";

/** A committed change, published after its transaction is durable. */
export type Change =
  | { readonly kind: "task"; readonly record: TaskRecord }
  | { readonly kind: "instance"; readonly record: ContainerInstanceRecord }
  | { readonly kind: "service"; readonly record: ServiceRecord };

/**
 * The change feed: whoever commits a change publishes it; the agent hub (and later the controllers)
 * subscribe. Subscribers are called synchronously and must not throw.
 */
export class ChangeFeed {
  private readonly subscribers = new Set<(c: Change) => void>();

  subscribe(fn: (c: Change) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  publish(change: Change): void {
    for (const fn of this.subscribers) fn(change);
  }
}
