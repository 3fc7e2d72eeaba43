import type { LiveGroup, LiveTarget } from "./config.js";

/**
 * Chooses a target of a group for a new request among the healthy, registered ones (never a
 * draining or unhealthy one), by the group's algorithm, and counts requests in flight per target
 * so that draining knows when a target is done.
 */
export class Balancer {
  private readonly inFlight = new Map<string, number>();
  private readonly cursor = new Map<string, number>();

  constructor(private readonly isHealthy: (groupArn: string, key: string) => boolean) {}

  pick(group: LiveGroup, exclude?: string): LiveTarget | undefined {
    const arn = group.record.arn;
    const eligible = group.targets.filter((t) => t.record.state === "registered" && t.key !== exclude && this.isHealthy(arn, t.key));
    if (eligible.length === 0) return undefined;
    let candidates = eligible;
    if (group.record.attributes["load_balancing.algorithm.type"] === "least_outstanding_requests") {
      const least = Math.min(...eligible.map((t) => this.count(arn, t.key)));
      candidates = eligible.filter((t) => this.count(arn, t.key) === least);
    }
    // Round robin (among the least loaded ones, for least_outstanding_requests).
    const i = this.cursor.get(arn) ?? 0;
    this.cursor.set(arn, (i + 1) % 1_000_000_007);
    return candidates[i % candidates.length];
  }

  /** Counts a request (or WebSocket) on a target until the returned function is called. */
  begin(groupArn: string, key: string): () => void {
    const k = `${groupArn} ${key}`;
    this.inFlight.set(k, (this.inFlight.get(k) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const n = (this.inFlight.get(k) ?? 1) - 1;
      if (n <= 0) this.inFlight.delete(k);
      else this.inFlight.set(k, n);
    };
  }

  count(groupArn: string, key: string): number {
    return this.inFlight.get(`${groupArn} ${key}`) ?? 0;
  }
}
