import { randomBytes } from "node:crypto";

/** A 32-hex-digit id, as ECS uses for tasks and container instances. */
export const newId = (): string => randomBytes(16).toString("hex");

/**
 * A task's id: 32 hex digits as ECS's, the first 12 the creation time in milliseconds and the other
 * 20 random (80 bits). Time-ordered ids put a cluster's new tasks at the end of the task table's key
 * order instead of on a random page each: inserts and the reports that follow touch the same few
 * pages, and ListTasks comes out oldest first. Within one millisecond the order is random.
 */
export const newTaskId = (nowMs: number): string => Math.floor(nowMs).toString(16).padStart(12, "0").slice(-12) + pooledRandomHex(10);

let pool = Buffer.alloc(0);
let poolAt = 0;

/**
 * `bytes` random bytes as hex, cut from a pool filled 4 KiB at a time: one randomBytes call per
 * task cost ~30 µs of placement's time, most of it the call, not the randomness. Each byte of the
 * pool is handed out once.
 */
function pooledRandomHex(bytes: number): string {
  if (poolAt + bytes > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  poolAt += bytes;
  return pool.toString("hex", poolAt - bytes, poolAt);
}
