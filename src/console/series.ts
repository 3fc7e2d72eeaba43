/**
 * A metric's datapoints as the service page draws them: GetMetricData's result in time order, its
 * latest, lowest and highest values, the chart's scale, and the points of a line over a fixed window. Pure.
 */
import type { MetricDataResult } from "@aws-sdk/client-cloudwatch";

export interface Series {
  /** Milliseconds since the epoch, ascending. */
  readonly times: readonly number[];
  readonly values: readonly number[];
}

/** One GetMetricData result in time order (CloudWatch answers newest first unless asked otherwise). */
export function seriesOf(result: MetricDataResult | undefined): Series {
  const pairs = (result?.Timestamps ?? [])
    .map((t, i) => [t.getTime(), result?.Values?.[i]] as const)
    .filter((p): p is readonly [number, number] => Number.isFinite(p[0]) && typeof p[1] === "number" && Number.isFinite(p[1]))
    .sort((a, b) => a[0] - b[0]);
  return { times: pairs.map((p) => p[0]), values: pairs.map((p) => p[1]) };
}

export interface SeriesSummary {
  readonly latest: number;
  readonly min: number;
  readonly max: number;
}

export const summaryOf = (s: Series): SeriesSummary | undefined =>
  s.values.length === 0 ? undefined : { latest: s.values[s.values.length - 1]!, min: Math.min(...s.values), max: Math.max(...s.values) };

/** A percentage as written beside a chart (`12.3 %`). */
export const percent = (v: number): string => `${v < 10 ? v.toFixed(1) : v.toFixed(0)} %`;

/** The chart's top: the smallest of 1, 2 or 5 times a power of ten at or above the highest value (at least 1), so that small percentages still show a shape. */
export function topOf(s: Series): number {
  const highest = Math.max(1, ...s.values);
  const power = 10 ** Math.floor(Math.log10(highest));
  return [1, 2, 5, 10].map((m) => m * power).find((top) => top >= highest) ?? 10 * power;
}

export interface Box {
  readonly width: number;
  readonly height: number;
  /** The value drawn at the top edge. */
  readonly top: number;
}

/**
 * The `points` of an SVG polyline for the datapoints in [from, to]: time left to right, 0 at the
 * bottom edge and `top` at the top edge (higher values are drawn at it), rounded to tenths.
 */
export function linePoints(s: Series, from: number, to: number, box: Box): string {
  const span = Math.max(1, to - from);
  const top = Math.max(1e-9, box.top);
  const round = (n: number): number => Math.round(n * 10) / 10;
  const points: string[] = [];
  s.times.forEach((t, i) => {
    if (t < from || t > to) return;
    const x = ((t - from) / span) * box.width;
    const y = box.height - (Math.min(top, Math.max(0, s.values[i]!)) / top) * box.height;
    points.push(`${round(x)},${round(y)}`);
  });
  return points.join(" ");
}
