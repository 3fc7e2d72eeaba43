import type { AdjustmentType, StepAdjustment, StepScalingConfig } from "./records.js";

/**
 * The step whose interval holds the breach (metric value minus the alarm's threshold), as
 * Application Auto Scaling picks it: an absent lower bound is minus infinity, an absent upper bound
 * infinity; above the threshold the lower bound is inclusive, below it the upper bound is.
 */
export function stepFor(steps: readonly StepAdjustment[], breach: number): StepAdjustment | undefined {
  return steps.find((s) => {
    const lower = s.lower ?? -Infinity;
    const upper = s.upper ?? Infinity;
    return breach >= 0 ? lower <= breach && breach < upper : lower < breach && breach <= upper;
  });
}

/**
 * The capacity an adjustment asks for from `current`. A percentage is rounded as AWS documents
 * (above 1 down, between 0 and 1 to 1, between -1 and 0 to -1, below -1 up) and raised to
 * `minAdjustmentMagnitude`.
 */
export function adjusted(type: AdjustmentType, current: number, adjustment: number, minAdjustmentMagnitude?: number): number {
  if (type === "ExactCapacity") return adjustment;
  if (type === "ChangeInCapacity") return current + adjustment;
  const raw = (current * adjustment) / 100;
  let change = raw > 1 ? Math.floor(raw) : raw > 0 ? 1 : raw < -1 ? Math.ceil(raw) : raw < 0 ? -1 : 0;
  if (minAdjustmentMagnitude !== undefined && change !== 0 && Math.abs(change) < minAdjustmentMagnitude) change = Math.sign(change) * minAdjustmentMagnitude;
  return current + change;
}

/** The capacity a step policy asks for when its alarm's metric is `breach` away from the threshold, or undefined when no step holds it. */
export function stepCapacity(config: StepScalingConfig, current: number, breach: number): number | undefined {
  const step = stepFor(config.steps, breach);
  return step && adjusted(config.adjustmentType, current, step.adjustment, config.minAdjustmentMagnitude);
}
