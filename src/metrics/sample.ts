import type { MetricId, MinuteAggregate } from "../domain/metrics/series.js";

/**
 * One moment of one metric: the samples it folds (their sum, count and extremes, their
 * distribution when they were counted one by one), and their CloudWatch unit; the collector adds
 * it to its minute.
 */
export type MetricSample = Omit<MinuteAggregate, "minuteMs">;

/** A sample of one value. */
export const oneValue = (metric: MetricId, value: number, unit: string): MetricSample => ({ metric, sum: value, count: 1, min: value, max: value, unit });
