import type { RequestWork } from "./request-work.js";
import { tieHash } from "./strategies/random.js";

/** Numeric key kinds for the hot loop (a switch on small integers, not on strings). */
const BINPACK_CPU = 0;
const BINPACK_MEMORY = 1;
const SPREAD_INSTANCE = 2;
const SPREAD_ATTRIBUTE = 3;
const RANDOM = 4;

/**
 * The instances that pass every check, kept incrementally during one placement call, and the
 * choice of the best one by the request's strategy keys.
 *
 * Why it is fast without sampling:
 * - Checks run once per instance per call. After a pick only the picked instance can change
 *   (its resources, ports, group count), so only it is re-checked, and candidates only leave.
 * - When the first strategy spreads over an attribute (the ECS AZ spread), candidates are bucketed
 *   by that attribute's value: a pick first takes the least-loaded bucket(s) with a candidate,
 *   then scans only those, reading typed arrays.
 * - Ties are broken by a hash of (seed, pick, instance), so no randomness is drawn while scanning
 *   and the result does not depend on the scan order (the reference path scans differently).
 */
export class Candidates {
  private readonly kinds: Int8Array;
  /** Per key: the spread attribute's value id per instance, and the group's tasks per value. */
  private readonly valueIds: (Int32Array | undefined)[];
  private readonly spreadCounts: (Int32Array | undefined)[];
  /** Buckets: by the first key's attribute value when it is a spread, else one bucket. */
  private readonly bucketOf: Int32Array;
  private readonly members: Int32Array[];
  private readonly lengths: Int32Array;
  private readonly position: Int32Array;
  private readonly bestKeys: Float64Array;
  /** Per bucket, the instance picked last (a good first guess for the next pick), or -1. */
  private readonly hints: Int32Array;

  constructor(private readonly work: RequestWork) {
    const cluster = work.cluster;
    const keys = work.request.keys;
    const n = cluster.size;
    this.kinds = Int8Array.from(keys, (k) =>
      k.kind === "binpack" ? (k.field === "cpu" ? BINPACK_CPU : BINPACK_MEMORY) : k.kind === "spreadInstance" ? SPREAD_INSTANCE : k.kind === "random" ? RANDOM : SPREAD_ATTRIBUTE,
    );
    this.valueIds = keys.map((k) => (k.kind === "spreadAttribute" ? cluster.attributeIndex(k.attribute).valueIds : undefined));
    this.spreadCounts = keys.map((k) => {
      if (k.kind !== "spreadAttribute") return undefined;
      const index = cluster.attributeIndex(k.attribute);
      const counts = new Int32Array(index.labels.length);
      const own = work.ownGroup;
      for (let i = 0; i < n; i++) {
        const v = index.valueIds[i] ?? 0;
        counts[v] = (counts[v] ?? 0) + (own[i] ?? 0);
      }
      return counts;
    });
    this.bestKeys = new Float64Array(keys.length + 1);

    const firstSpread = this.kinds[0] === SPREAD_ATTRIBUTE ? this.valueIds[0] : undefined;
    this.bucketOf = firstSpread ?? new Int32Array(n);
    const bucketCount = firstSpread === undefined ? 1 : (this.spreadCounts[0]?.length ?? 1);
    const sizes = new Int32Array(bucketCount);
    for (let i = 0; i < n; i++) {
      const b = this.bucketOf[i] ?? 0;
      sizes[b] = (sizes[b] ?? 0) + 1;
    }
    this.members = Array.from(sizes, (size) => new Int32Array(size));
    this.lengths = new Int32Array(bucketCount);
    this.hints = new Int32Array(bucketCount).fill(-1);
    this.position = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) if (this.fits(i)) this.add(i);
  }

  /** Whether instance `i` passes every check in the current scratch state. */
  private fits(i: number): boolean {
    const view = this.work.view;
    view.index = i;
    for (const check of this.work.request.checks) if (!check.passes(view)) return false;
    return true;
  }

  private add(i: number): void {
    const b = this.bucketOf[i] ?? 0;
    const length = this.lengths[b] ?? 0;
    const list = this.members[b];
    if (list === undefined) return;
    list[length] = i;
    this.position[i] = length;
    this.lengths[b] = length + 1;
  }

  private remove(i: number): void {
    const b = this.bucketOf[i] ?? 0;
    const at = this.position[i] ?? -1;
    const list = this.members[b];
    if (at < 0 || list === undefined) return;
    const last = (this.lengths[b] ?? 1) - 1;
    const moved = list[last] ?? i;
    list[at] = moved;
    this.position[moved] = at;
    this.position[i] = -1;
    this.lengths[b] = last;
  }

  /** After instance `i` took a task: update spread counts and drop `i` (and its host's others) if it no longer fits. */
  afterPick(i: number): void {
    this.hints[this.bucketOf[i] ?? 0] = i;
    for (let k = 0; k < this.kinds.length; k++) {
      const counts = this.spreadCounts[k];
      const ids = this.valueIds[k];
      if (counts === undefined || ids === undefined) continue;
      const v = ids[i] ?? 0;
      counts[v] = (counts[v] ?? 0) + 1;
    }
    if (!this.fits(i)) this.remove(i);
    // Instances sharing i's host lost the static ports i just took.
    if (this.work.request.tcpPorts.length + this.work.request.udpPorts.length > 0) {
      for (const j of this.work.cluster.hostSiblings(i)) if ((this.position[j] ?? -1) >= 0 && !this.fits(j)) this.remove(j);
    }
  }

  private keyValue(k: number, i: number, seed: number, pick: number): number {
    const w = this.work;
    switch (this.kinds[k]) {
      case BINPACK_CPU:
        return w.remainingCpu[i] ?? 0;
      case BINPACK_MEMORY:
        return w.remainingMemory[i] ?? 0;
      case SPREAD_INSTANCE:
        return w.ownGroup[i] ?? 0;
      case SPREAD_ATTRIBUTE:
        return this.spreadCounts[k]?.[this.valueIds[k]?.[i] ?? 0] ?? 0;
      default:
        return tieHash(seed, pick, i);
    }
  }

  /** The best candidate for pick number `pick`, or -1 when none fits. */
  best(seed: number, pick: number): number {
    const spreadFirst = this.kinds[0] === SPREAD_ATTRIBUTE ? this.spreadCounts[0] : undefined;
    let least = Infinity;
    if (spreadFirst !== undefined) {
      for (let b = 0; b < this.lengths.length; b++) if ((this.lengths[b] ?? 0) > 0) least = Math.min(least, spreadFirst[b] ?? 0);
    }
    // The first key the bucket choice leaves open is read straight from its column when it has
    // one (binpack, spread(instanceId)): most candidates lose on it and need no further work.
    const column = this.columnOf(spreadFirst === undefined ? 0 : 1);
    let bestValue = Infinity;
    let best = -1;
    for (let b = 0; b < this.lengths.length; b++) {
      const length = this.lengths[b] ?? 0;
      if (length === 0 || (spreadFirst !== undefined && spreadFirst[b] !== least)) continue;
      const list = this.members[b] ?? new Int32Array(0);
      // Visit the bucket's previous winner first: under binpack it usually wins again, and once
      // it sets `bestValue` the other candidates fail the first comparison.
      const hint = this.hints[b] ?? -1;
      for (let m = -1; m < length; m++) {
        const i = m < 0 ? hint : (list[m] ?? 0);
        if (i < 0 || (m >= 0 && i === hint) || (m < 0 && (this.position[i] ?? -1) < 0)) continue;
        if (column !== undefined) {
          const v = column[i] ?? 0;
          if (v > bestValue) continue;
          if (v < bestValue) {
            bestValue = v;
            best = i;
            this.recordBest(i, seed, pick);
            continue;
          }
        }
        if (best < 0 || this.beats(i, best, seed, pick)) {
          best = i;
          this.recordBest(i, seed, pick);
        }
      }
    }
    return best;
  }

  /** The per-instance array key `k` reads, if it is a plain column. */
  private columnOf(k: number): Float64Array | Int32Array | undefined {
    switch (this.kinds[k]) {
      case BINPACK_CPU:
        return this.work.remainingCpu;
      case BINPACK_MEMORY:
        return this.work.remainingMemory;
      case SPREAD_INSTANCE:
        return this.work.ownGroup;
      default:
        return undefined;
    }
  }

  private beats(i: number, best: number, seed: number, pick: number): boolean {
    const keyCount = this.kinds.length;
    for (let k = 0; k < keyCount; k++) {
      const v = this.keyValue(k, i, seed, pick);
      const b = this.bestKeys[k] ?? 0;
      if (v !== b) return v < b;
    }
    const h = tieHash(seed, pick, i);
    const bh = this.bestKeys[keyCount] ?? 0;
    return h !== bh ? h < bh : i < best;
  }

  private recordBest(i: number, seed: number, pick: number): void {
    const keyCount = this.kinds.length;
    for (let k = 0; k < keyCount; k++) this.bestKeys[k] = this.keyValue(k, i, seed, pick);
    this.bestKeys[keyCount] = tieHash(seed, pick, i);
  }
}
