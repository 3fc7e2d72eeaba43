import type { LiveGroup, LiveTarget } from "./config.js";
import { affinityIndex, chooseTarget, type Candidate } from "./selection.js";

/**
 * Chooses a target of a group for a new request among the healthy, registered ones (never a
 * draining or unhealthy one), by the group's algorithm and slow start (selection.ts), keeping a
 * sticky client on its target while that target may take requests (a network load balancer's
 * client address on the same target, with source_ip stickiness), and counts requests in flight
 * per target so that draining knows when a target is done.
 */
export class Balancer {
  private readonly inFlight = new Map<string, number>();
  private readonly cursor = new Map<string, number>();

  constructor(
    /** When the target last became healthy; undefined while it may not take requests. */
    private readonly healthySince: (groupArn: string, target: LiveTarget) => number | undefined,
    private readonly now: () => number,
    private readonly random: () => number,
  ) {}

  pick(group: LiveGroup, o: { readonly exclude?: string | undefined; readonly sticky?: string | undefined; readonly affinity?: string | undefined } = {}): LiveTarget | undefined {
    const arn = group.record.arn;
    if (o.affinity !== undefined) {
      const eligible = group.targets.filter((t) => this.mayTake(arn, t, o.exclude));
      return eligible[affinityIndex(eligible.map((t) => t.key), o.affinity)];
    }
    const attributes = group.record.attributes;
    const i = this.cursor.get(arn) ?? 0;
    this.cursor.set(arn, (i + 1) % 1_000_000_007);
    const slowStartMs = Number(attributes["slow_start.duration_seconds"] ?? "0") * 1000;
    const leastOutstanding = attributes["load_balancing.algorithm.type"] === "least_outstanding_requests";
    if (slowStartMs === 0 && !leastOutstanding) return this.roundRobin(group, i, o);
    const eligible: LiveTarget[] = [];
    const candidates: Candidate[] = [];
    for (const t of group.targets) {
      if (t.record.state !== "registered" || t.key === o.exclude) continue;
      const since = this.healthySince(arn, t);
      if (since === undefined) continue;
      if (t.key === o.sticky) return t;
      eligible.push(t);
      candidates.push({ healthySinceMs: since, inFlight: this.count(arn, t.key) });
    }
    if (eligible.length === 0) return undefined;
    const chosen = chooseTarget(candidates, { algorithm: leastOutstanding ? "least_outstanding_requests" : "round_robin", slowStartMs }, { nowMs: this.now(), cursor: i, random: this.random() });
    return eligible[chosen];
  }

  /** Plain round robin (the common case, on every request): no allocation. */
  private roundRobin(group: LiveGroup, cursor: number, o: { readonly exclude?: string | undefined; readonly sticky?: string | undefined }): LiveTarget | undefined {
    const arn = group.record.arn;
    const ok = (t: LiveTarget): boolean => this.mayTake(arn, t, o.exclude);
    let n = 0;
    for (const t of group.targets) {
      if (!ok(t)) continue;
      if (t.key === o.sticky) return t;
      n++;
    }
    if (n === 0) return undefined;
    let k = cursor % n;
    for (const t of group.targets) if (ok(t) && k-- === 0) return t;
    return undefined;
  }

  /** Whether a target may take a new request: registered (not draining), healthy, and not the one just tried. */
  private mayTake(groupArn: string, t: LiveTarget, exclude: string | undefined): boolean {
    return t.record.state === "registered" && t.key !== exclude && this.healthySince(groupArn, t) !== undefined;
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
