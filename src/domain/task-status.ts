/**
 * Task status: one ordered union, and the only transition rule ECS has: status moves forward.
 * The agent reports PENDING, RUNNING and STOPPED; the other states are the control plane's.
 */
export const taskStatuses = [
  "PROVISIONING",
  "PENDING",
  "ACTIVATING",
  "RUNNING",
  "DEACTIVATING",
  "STOPPING",
  "DEPROVISIONING",
  "STOPPED",
] as const;
export type TaskStatus = (typeof taskStatuses)[number];

const rank = (s: TaskStatus): number => taskStatuses.indexOf(s);

/** The status after `next` is reported: never backwards. */
export function advanceStatus(current: TaskStatus, next: TaskStatus): TaskStatus {
  return rank(next) > rank(current) ? next : current;
}

export const isStopped = (s: TaskStatus): boolean => s === "STOPPED";

export type StopCode =
  | "TaskFailedToStart"
  | "EssentialContainerExited"
  | "UserInitiated"
  | "ServiceSchedulerInitiated"
  | "TerminationNotice"
  | "InfrastructureHealth";
