import type { ScalableTargetRecord, ScalingPolicyRecord, ScheduledActionRecord } from "./records.js";
import { stepCapacity } from "./step-scaling.js";
import { proportionalCapacity } from "./target-tracking.js";

/** An alarm whose action names a scaling policy, as it stands at one evaluation. */
export interface AlarmTrigger {
  readonly name: string;
  readonly state: "OK" | "ALARM" | "INSUFFICIENT_DATA";
  readonly threshold: number;
  /** The metric's value in the newest evaluated period (undefined: no data). */
  readonly value: number | undefined;
}

export type ScalingDecision =
  | { readonly kind: "scale"; readonly direction: "out" | "in"; readonly capacity: number; readonly cause: string }
  | { readonly kind: "none"; readonly reason: string };

export const clamp = (n: number, min: number, max: number): number => Math.min(max, Math.max(min, n));

export const alarmCause = (alarm: string, state: string, policy: string): string => `monitor alarm ${alarm} in state ${state} triggered policy ${policy}`;

/**
 * What a scaling policy does when its alarm fires: the capacity it asks for (step: the step that
 * holds the breach; target tracking: the proportional capacity, AlarmHigh only out and AlarmLow
 * only in), clamped to the target's min and max, then held back by suspension and cooldowns as
 * Application Auto Scaling documents them: inside a scale-out cooldown a scale-out must go beyond
 * the last one (for steps, the adjustment counts from the capacity before it), and scale-in waits
 * for both cooldowns. Pure.
 */
export function decidePolicy(target: ScalableTargetRecord, policy: ScalingPolicyRecord, current: number, alarm: AlarmTrigger, nowMs: number): ScalingDecision {
  if (alarm.value === undefined) return { kind: "none", reason: "the alarm's metric has no data" };
  const cooldowns = cooldownsOf(policy);
  const out = target.lastScaleOut;
  const inOutCooldown = out !== undefined && nowMs < out.atMs + cooldowns.outMs;
  let wanted: number | undefined;
  if (policy.step) {
    wanted = stepCapacity(policy.step, inOutCooldown ? out.from : current, alarm.value - alarm.threshold);
    if (wanted === undefined) return { kind: "none", reason: "no step adjustment holds the breach" };
  } else if (policy.targetTracking) {
    const tt = policy.targetTracking;
    const proportional = proportionalCapacity(current, alarm.value, tt.targetValue);
    const high = alarm.name.includes("-AlarmHigh-");
    if (high && proportional <= current) return { kind: "none", reason: "the proportional capacity is not above the current one" };
    if (!high && (tt.disableScaleIn || proportional >= current)) return { kind: "none", reason: tt.disableScaleIn ? "scale-in is disabled" : "the proportional capacity is not below the current one" };
    wanted = proportional;
  }
  const capacity = clamp(wanted ?? current, target.minCapacity, target.maxCapacity);
  if (capacity === current) return { kind: "none", reason: `the capacity stays ${current} (min ${target.minCapacity}, max ${target.maxCapacity})` };
  const cause = alarmCause(alarm.name, alarm.state, policy.name);
  if (capacity > current) {
    if (target.suspended.dynamicScalingOutSuspended) return { kind: "none", reason: "dynamic scale-out is suspended" };
    if (inOutCooldown && capacity <= out.to) return { kind: "none", reason: "inside the scale-out cooldown" };
    return { kind: "scale", direction: "out", capacity, cause };
  }
  if (target.suspended.dynamicScalingInSuspended) return { kind: "none", reason: "dynamic scale-in is suspended" };
  if (inOutCooldown) return { kind: "none", reason: "inside the scale-out cooldown" };
  if (target.lastScaleInAtMs !== undefined && nowMs < target.lastScaleInAtMs + cooldowns.inMs) return { kind: "none", reason: "inside the scale-in cooldown" };
  return { kind: "scale", direction: "in", capacity, cause };
}

function cooldownsOf(policy: ScalingPolicyRecord): { outMs: number; inMs: number } {
  if (policy.step) return { outMs: policy.step.cooldownSeconds * 1000, inMs: policy.step.cooldownSeconds * 1000 };
  const tt = policy.targetTracking;
  return { outMs: (tt?.scaleOutCooldownSeconds ?? 0) * 1000, inMs: (tt?.scaleInCooldownSeconds ?? 0) * 1000 };
}

export interface ScheduledChange {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly capacity: number;
  readonly description: string;
  readonly cause: string;
}

/** What a due scheduled action does: the target's new min and max, and the current capacity brought inside them. Pure. */
export function decideScheduled(target: ScalableTargetRecord, action: ScheduledActionRecord, current: number): ScheduledChange {
  const minCapacity = action.minCapacity ?? target.minCapacity;
  const maxCapacity = action.maxCapacity ?? target.maxCapacity;
  const parts = [action.minCapacity !== undefined ? `min capacity to ${minCapacity}` : undefined, action.maxCapacity !== undefined ? `max capacity to ${maxCapacity}` : undefined].filter((p) => p !== undefined);
  return {
    minCapacity,
    maxCapacity,
    capacity: clamp(current, minCapacity, maxCapacity),
    description: `Setting ${parts.join(" and ")}`,
    cause: `scheduled action name ${action.name} was triggered`,
  };
}
