/**
 * Makes a signed handshake good for one use. A SigV4 signature stays valid for 15 minutes either
 * side of its date, so whoever captures the agent channel's upgrade request could replay it; the
 * guard remembers each signature it has let through until the signature expires anyway, and
 * refuses it a second time. Memory is bounded twice: by time (entries are grouped per minute of
 * expiry and dropped a whole minute at a time) and by count (when full, it refuses new signatures
 * rather than forget live ones, which would re-open replays).
 */
export type Claim = "fresh" | "replayed" | "full";

export interface ReplayGuardOptions {
  /** Most signatures remembered at once (default 100,000: about 10 MB, 55 connects a second for 30 minutes). */
  readonly maxEntries?: number;
}

const bucketMs = 60_000;

export class ReplayGuard {
  /** Signatures by the minute after which every one of them has expired. */
  private readonly buckets = new Map<number, Set<string>>();
  private size = 0;
  private readonly maxEntries: number;

  constructor({ maxEntries = 100_000 }: ReplayGuardOptions = {}) {
    this.maxEntries = maxEntries;
  }

  /** Claims `signature`, valid until `expiresAtMs`: `fresh` the first time, `replayed` afterwards. */
  claim(signature: string, expiresAtMs: number, nowMs: number): Claim {
    this.expire(nowMs);
    for (const set of this.buckets.values()) if (set.has(signature)) return "replayed";
    if (this.size >= this.maxEntries) return "full";
    const bucket = Math.ceil(expiresAtMs / bucketMs) * bucketMs;
    const set = this.buckets.get(bucket) ?? new Set<string>();
    set.add(signature);
    this.buckets.set(bucket, set);
    this.size++;
    return "fresh";
  }

  /** How many signatures are remembered now. */
  get remembered(): number {
    return this.size;
  }

  private expire(nowMs: number): void {
    for (const [bucket, set] of this.buckets) {
      if (bucket < nowMs) {
        this.buckets.delete(bucket);
        this.size -= set.size;
      }
    }
  }
}
