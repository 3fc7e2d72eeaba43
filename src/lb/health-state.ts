import type { TargetHealth } from "../domain/load-balancing/health.js";
import { initialHealth } from "../domain/load-balancing/health.js";
import type { SettledHealth } from "../domain/load-balancing/types.js";

/** The outcome of one health check. */
export type CheckResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly kind: "code"; readonly code: number }
  | { readonly ok: false; readonly kind: "timeout" }
  | { readonly ok: false; readonly kind: "connection" };

/** A target's health-check state: its ELB health and the run of equal results that leads to the next. */
export interface CheckState {
  readonly health: TargetHealth;
  readonly successes: number;
  readonly failures: number;
}

export const newCheckState: CheckState = { health: initialHealth, successes: 0, failures: 0 };

/**
 * The state a target's checks start from: its last settled health when one was kept (a server
 * restart: a healthy target keeps serving while its first checks run, as ELB's do; an unhealthy
 * one needs its healthy threshold again), else initial.
 */
export function restoredCheckState(last: SettledHealth | undefined): CheckState {
  if (last === undefined) return newCheckState;
  const health: TargetHealth = last.state === "healthy" ? healthy : { state: "unhealthy", reason: last.reason, description: last.description };
  return { health, successes: 0, failures: 0 };
}

/** What is kept of a health: only settled states (initial is where every registration starts anyway). */
export function settledHealth(h: TargetHealth, nowMs: number): SettledHealth | undefined {
  if (h.state !== "healthy" && h.state !== "unhealthy") return undefined;
  return { state: h.state, ...(h.reason !== undefined && { reason: h.reason }), ...(h.description !== undefined && { description: h.description }), sinceMs: nowMs };
}

/**
 * The next state after a check (pure). A target becomes healthy after `healthyThreshold`
 * consecutive successes and unhealthy after `unhealthyThreshold` consecutive failures, with ELB's
 * reason codes: the response code when it did not match, Target.Timeout, or Target.FailedHealthChecks.
 */
export function nextCheckState(s: CheckState, r: CheckResult, t: { readonly healthyThreshold: number; readonly unhealthyThreshold: number }): CheckState {
  if (r.ok) {
    const successes = s.successes + 1;
    const health = s.health.state === "healthy" || successes >= t.healthyThreshold ? healthy : s.health;
    return { health, successes, failures: 0 };
  }
  const failures = s.failures + 1;
  const turn = s.health.state === "unhealthy" || failures >= t.unhealthyThreshold;
  return { health: turn ? unhealthy(r) : s.health, successes: 0, failures };
}

const healthy: TargetHealth = { state: "healthy" };

function unhealthy(r: Exclude<CheckResult, { ok: true }>): TargetHealth {
  switch (r.kind) {
    case "code":
      return { state: "unhealthy", reason: "Target.ResponseCodeMismatch", description: `Health checks failed with these codes: [${r.code}]` };
    case "timeout":
      return { state: "unhealthy", reason: "Target.Timeout", description: "Request timed out" };
    case "connection":
      return { state: "unhealthy", reason: "Target.FailedHealthChecks", description: "Health checks failed" };
  }
}

/** Whether a status code satisfies ELB's matcher ("200", "200,202", "200-299"). */
export function codeMatches(matcher: string, code: number): boolean {
  return matcher.split(",").some((part) => {
    const [lo, hi] = part.split("-").map(Number);
    return hi === undefined ? code === lo : code >= (lo ?? 0) && code <= hi;
  });
}
