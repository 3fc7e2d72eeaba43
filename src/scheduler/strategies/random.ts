/**
 * Randomness for placement, always derived from a seed the caller passes in.
 *
 * Ties (and the `random` strategy) are decided by a hash of (request seed, pick number, instance
 * index) rather than by drawing numbers while scanning. The outcome then does not depend on the
 * order in which instances are visited, which lets the indexed fast path and the plain reference
 * path agree exactly, and makes every decision reproducible from the seed.
 */

/** A 32-bit mix of the three inputs (murmur3's finaliser); uniform enough for picking among ties. */
export function tieHash(seed: number, pick: number, instance: number): number {
  let h = (seed ^ Math.imul(instance + 1, 0x9e3779b1) ^ Math.imul(pick + 1, 0x85ebca77)) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A request seed from the caller's random source: one draw per placement call. */
export const drawSeed = (random: () => number): number => Math.floor(random() * 0x1_0000_0000) >>> 0;

/** mulberry32: a small seeded generator for tests, benchmarks and callers that store a seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}
