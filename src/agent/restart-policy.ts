/**
 * A container's restart policy (`restartPolicy` of its definition), decided as the ECS agent decides
 * it when the container exits: restarted in place, within its task, unless the policy is off, the
 * task is stopping, the exit code is one to ignore, or the container has not run for
 * `restartAttemptPeriod` seconds (300 by default) since it last started. Pure.
 */
import type { ContainerRestartPolicy } from "@aws-sdk/client-ecs";

/** ECS's default `restartAttemptPeriod`, in seconds. */
export const defaultRestartAttemptPeriodSeconds = 300;

export interface ExitFacts {
  readonly exitCode: number | undefined;
  /** When the container last started (its first start, or its last restart). */
  readonly startedAtMs: number | undefined;
  readonly nowMs: number;
}

/** Whether to start the exited container again, and if not, why not (for the agent's log). */
export function restartDecision(policy: ContainerRestartPolicy | undefined, exit: ExitFacts): { readonly restart: true } | { readonly restart: false; readonly why: string } {
  if (policy?.enabled !== true) return { restart: false, why: "restart policy is not enabled" };
  if (exit.exitCode === undefined) return { restart: false, why: "exit code is unknown" };
  if ((policy.ignoredExitCodes ?? []).includes(exit.exitCode)) return { restart: false, why: `exit code ${exit.exitCode} is to be ignored` };
  const periodMs = (policy.restartAttemptPeriod ?? defaultRestartAttemptPeriodSeconds) * 1000;
  if (exit.startedAtMs === undefined || exit.nowMs - exit.startedAtMs < periodMs) {
    return { restart: false, why: `it ran less than its restartAttemptPeriod (${periodMs / 1000} s) since it last started` };
  }
  return { restart: true };
}
