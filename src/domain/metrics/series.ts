import { mergeSketches, type Sketch } from "./sketch.js";

/**
 * CloudWatch's vocabulary: a metric is a namespace, a name and a set of dimensions; its data are
 * kept as one aggregate per minute (sum, sample count, minimum, maximum), the finest resolution
 * Berth keeps, as CloudWatch keeps standard-resolution metrics.
 */
export interface Dimension {
  readonly name: string;
  readonly value: string;
}

export interface MetricId {
  readonly namespace: string;
  readonly metricName: string;
  /** Sorted by name: two requests naming the same dimensions in another order mean the same metric. */
  readonly dimensions: readonly Dimension[];
}

/** One minute of one metric. */
export interface MinuteAggregate {
  readonly metric: MetricId;
  /** The minute's start, epoch milliseconds, a multiple of 60,000. */
  readonly minuteMs: number;
  readonly sum: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  /** CloudWatch's unit of the data (`Percent`, `Count`, `None`…); the last one sent wins. */
  readonly unit: string;
  /** The values' distribution (percentiles), when they came as values rather than statistic sets. */
  readonly sketch?: Sketch | undefined;
}

export const minuteMs = 60_000;

export const minuteOf = (ms: number): number => Math.floor(ms / minuteMs) * minuteMs;

/** Builds a metric id with its dimensions in canonical order. */
export function metricId(namespace: string, metricName: string, dimensions: readonly Dimension[] = []): MetricId {
  return { namespace, metricName, dimensions: [...dimensions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
}

/** The dimensions as one text (the store's key column): sorted `name=value` pairs as JSON. */
export const dimensionsKey = (dimensions: readonly Dimension[]): string => JSON.stringify(dimensions.map((d) => [d.name, d.value]));

export function dimensionsOfKey(key: string): Dimension[] {
  const parsed: unknown = JSON.parse(key);
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((p: unknown) => (Array.isArray(p) && typeof p[0] === "string" && typeof p[1] === "string" ? [{ name: p[0], value: p[1] }] : []));
}

/** One text per metric, for maps keyed by metric. */
export const seriesKey = (m: MetricId): string => JSON.stringify([m.namespace, m.metricName, dimensionsKey(m.dimensions)]);

/**
 * Folds two aggregates of the same metric and minute into one. Their sketches merge; a part
 * without one leaves the sketch counting fewer values than the aggregate, which readers take as
 * "no percentile for this minute".
 */
export function merge(a: MinuteAggregate, b: Pick<MinuteAggregate, "sum" | "count" | "min" | "max" | "unit" | "sketch">): MinuteAggregate {
  const sketch = a.sketch && b.sketch ? mergeSketches(a.sketch, b.sketch) : (a.sketch ?? b.sketch);
  return { ...a, sum: a.sum + b.sum, count: a.count + b.count, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max), unit: b.unit, sketch };
}
