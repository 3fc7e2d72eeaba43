import { invalidParameter } from "../errors/catalog.js";
import type { TaskRecord } from "./task.js";

/**
 * Task scale-in protection (UpdateTaskProtection, GetTaskProtection, the agent's
 * `/task-protection/v1/state`): a protected service task is never picked for scale-in, and a
 * deployment waits for its protection to end before it replaces it (ECS's developer guide, "Protect
 * your Amazon ECS tasks from being terminated by scale-in events"). Protection ends by itself at
 * its expiry: `expiresInMinutes`, 120 by default, 1 to 2,880.
 */
export const protectionMinutes = { default: 120, min: 1, max: 2880 } as const;

export interface TaskProtection {
  readonly enabled: boolean;
  readonly expiresAtMs?: number | undefined;
}

/** The task's protection as of `nowMs`: an expired one is off. */
export function protectionOf(task: Pick<TaskRecord, "protection">, nowMs: number): TaskProtection {
  const p = task.protection;
  if (p === undefined || !p.enabled || p.expiresAtMs <= nowMs) return { enabled: false };
  return { enabled: true, expiresAtMs: p.expiresAtMs };
}

export const isProtected = (task: Pick<TaskRecord, "protection">, nowMs: number): boolean => protectionOf(task, nowMs).enabled;

/** `expiresInMinutes` checked (InvalidParameterException outside 1 to 2,880), defaulted to 120. */
export function checkExpiresInMinutes(v: number | undefined): number {
  if (v === undefined) return protectionMinutes.default;
  if (!Number.isInteger(v) || v < protectionMinutes.min || v > protectionMinutes.max) {
    throw invalidParameter(`expiresInMinutes must be an integer from ${protectionMinutes.min} to ${protectionMinutes.max} (48 hours); got ${v}.`);
  }
  return v;
}

/**
 * Why a task's protection cannot be read or changed, as ECS's failures say it, or undefined when it
 * can: MISSING for no such task, TASK_NOT_VALID for a task that belongs to no service or is not
 * RUNNING (or is being stopped).
 */
export function protectionRefusal(task: TaskRecord | undefined): { reason: "MISSING" | "TASK_NOT_VALID"; detail?: string } | undefined {
  if (task === undefined) return { reason: "MISSING" };
  if (task.serviceName === undefined) return { reason: "TASK_NOT_VALID", detail: "Task scale-in protection applies only to tasks of a service; this task was started by RunTask or StartTask." };
  if (task.lastStatus !== "RUNNING" || task.spec.desiredStatus !== "RUNNING") {
    return { reason: "TASK_NOT_VALID", detail: `Task scale-in protection applies only to RUNNING tasks; this task is ${task.lastStatus} and desired ${task.spec.desiredStatus}.` };
  }
  return undefined;
}

/** The task with protection set (a new expiry from now) or cleared. */
export function withProtection(task: TaskRecord, enabled: boolean, minutes: number, nowMs: number): TaskRecord {
  return { ...task, protection: enabled ? { enabled: true, expiresAtMs: nowMs + minutes * 60_000 } : undefined, version: task.version + 1 };
}
