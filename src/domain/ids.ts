import { randomBytes } from "node:crypto";

/** A 32-hex-digit id, as ECS uses for tasks and container instances. */
export const newId = (): string => randomBytes(16).toString("hex");

/**
 * A task's id: 32 hex digits as ECS's, the first 12 the creation time in milliseconds and the other
 * 20 random (80 bits). Time-ordered ids put a cluster's new tasks at the end of the task table's key
 * order instead of on a random page each: inserts and the reports that follow touch the same few
 * pages, and ListTasks comes out oldest first. Within one millisecond the order is random.
 */
export const newTaskId = (nowMs: number): string => Math.floor(nowMs).toString(16).padStart(12, "0").slice(-12) + randomBytes(10).toString("hex");
