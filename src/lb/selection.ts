/**
 * Which target gets a new request (pure): round robin, least outstanding requests, and slow start.
 * The balancer (balancer.ts) keeps the cursor and the counts; time and randomness come in as arguments.
 */

/** A target that may take new requests: healthy (or unchecked) and registered. */
export interface Candidate {
  /** When it last became healthy (or was registered, in a group without health checks). */
  readonly healthySinceMs: number;
  readonly inFlight: number;
}

export interface SelectionPolicy {
  readonly algorithm: "round_robin" | "least_outstanding_requests";
  /** `slow_start.duration_seconds` in ms; 0 when off. */
  readonly slowStartMs: number;
}

/** The least share a target in slow start gets, so that its first requests come at once. */
export const slowStartFloor = 0.05;

/**
 * A target's share in slow start: ELB ramps a newly healthy target's share of requests linearly
 * over the slow start duration. 1 outside slow start.
 */
export function slowStartWeight(c: Candidate, slowStartMs: number, nowMs: number): number {
  if (slowStartMs <= 0) return 1;
  const elapsed = nowMs - c.healthySinceMs;
  if (elapsed >= slowStartMs) return 1;
  return Math.max(slowStartFloor, elapsed / slowStartMs);
}

/**
 * The index of the chosen candidate. Round robin by `cursor` while every target has its full
 * share; with targets in slow start, by weight with `random` in [0, 1) (as ELB, a target is not in
 * slow start when every target is: the group would otherwise send its requests nowhere faster).
 * Least outstanding requests: round robin among the least loaded (ELB has no slow start there).
 */
export function chooseTarget(candidates: readonly Candidate[], policy: SelectionPolicy, at: { readonly nowMs: number; readonly cursor: number; readonly random: number }): number {
  if (candidates.length <= 1) return 0;
  if (policy.algorithm === "least_outstanding_requests") {
    let least = Infinity;
    for (const c of candidates) least = Math.min(least, c.inFlight);
    const idle = candidates.flatMap((c, i) => (c.inFlight === least ? [i] : []));
    return idle[at.cursor % idle.length] ?? 0;
  }
  const weights = candidates.map((c) => slowStartWeight(c, policy.slowStartMs, at.nowMs));
  if (weights.every((w) => w === 1) || weights.every((w) => w < 1)) return at.cursor % candidates.length;
  const total = weights.reduce((a, b) => a + b, 0);
  let x = at.random * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i] ?? 0;
    if (x < 0) return i;
  }
  return candidates.length - 1;
}

/** FNV-1a, 32 bits: a fast, stable hash of a short string (not a secret). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The index of the key a client's address sticks to (source_ip stickiness), by rendezvous
 * hashing: the key scoring highest with the address. The same address gets the same target in
 * every process while it stays eligible; a target joining takes only the clients it now wins, a
 * target leaving moves only its own. -1 for no keys.
 */
export function affinityIndex(keys: readonly string[], address: string): number {
  let best = -1;
  let bestScore = -1;
  keys.forEach((key, i) => {
    const score = fnv1a(`${address} ${key}`);
    if (score > bestScore) [best, bestScore] = [i, score];
  });
  return best;
}
