import type { MetricId } from "../domain/metrics/series.js";
import type { Sketch } from "../domain/metrics/sketch.js";

/** One moment of one metric: the samples it folds (their sum, count and extremes), and their CloudWatch unit. */
export interface MetricSample {
  readonly metric: MetricId;
  readonly sum: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly unit: string;
  /** The values' distribution, when they were counted one by one (percentiles). */
  readonly sketch?: Sketch | undefined;
}

/** A sample of one value. */
export const oneValue = (metric: MetricId, value: number, unit: string): MetricSample => ({ metric, sum: value, count: 1, min: value, max: value, unit });
