import type { Check } from "../instance-view.js";
import { FailureReason } from "../reasons.js";

/**
 * Instances that may not take tasks at all, checked first so that a deregistered or draining
 * instance is reported as such rather than as short of memory.
 */

/** Anything but ACTIVE or DRAINING (REGISTERING, DEREGISTERING, INACTIVE, …) reports INACTIVE. */
export const inactiveCheck: Check = {
  reason: FailureReason.inactive,
  passes: (v) => v.status === "ACTIVE" || v.status === "DRAINING",
  detail: (v) => `instance status is ${v.status}`,
};

/** DRAINING instances take no new tasks (their tasks are being moved away). */
export const drainingCheck: Check = {
  reason: FailureReason.draining,
  passes: (v) => v.status !== "DRAINING",
  detail: () => "instance is DRAINING",
};

/** ECS rejects a disconnected agent at once rather than letting the task wait in PENDING. */
export const agentCheck: Check = {
  reason: FailureReason.agent,
  passes: (v) => v.agentConnected,
  detail: () => "agent is disconnected",
};
