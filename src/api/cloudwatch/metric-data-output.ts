/**
 * GetMetricData's answer as the handler builds it: each series' timestamps (epoch milliseconds)
 * and values in typed arrays, no Date or boxed number per datapoint (a call can hold 100,800 of
 * them). `plainMetricData` turns it into the plain values the Query and CBOR writers take;
 * `metricDataJson` writes AWS JSON directly, with the same text `JSON.stringify` gave the plain
 * values (timestamps as epoch seconds, a non-finite value as null).
 */
export interface MetricDataResult {
  readonly Id: string;
  readonly Label: string;
  readonly timesMs: Float64Array;
  readonly values: Float64Array;
  readonly StatusCode: "Complete" | "PartialData";
}

export interface MetricDataOutput {
  readonly MetricDataResults: readonly MetricDataResult[];
  readonly Messages: readonly never[];
  readonly NextToken?: string | undefined;
}

export function plainMetricData(o: MetricDataOutput): Record<string, unknown> {
  return {
    MetricDataResults: o.MetricDataResults.map((r) => ({ Id: r.Id, Label: r.Label, Timestamps: Array.from(r.timesMs, (t) => new Date(t)), Values: Array.from(r.values), StatusCode: r.StatusCode })),
    Messages: [],
    ...(o.NextToken !== undefined && { NextToken: o.NextToken }),
  };
}

export function metricDataJson(o: MetricDataOutput): string {
  // Series with every period present share their timestamps: their text is written once per call.
  const timesText = new Map<string, string>();
  const parts: string[] = [];
  for (const r of o.MetricDataResults) {
    parts.push(`{"Id":${JSON.stringify(r.Id)},"Label":${JSON.stringify(r.Label)},"Timestamps":[${secondsText(r.timesMs, timesText)}],"Values":[${numbersText(r.values)}],"StatusCode":"${r.StatusCode}"}`);
  }
  const next = o.NextToken === undefined ? "" : `,"NextToken":${JSON.stringify(o.NextToken)}`;
  return `{"MetricDataResults":[${parts.join(",")}],"Messages":[]${next}}`;
}

/** A key naming a series of evenly spaced timestamps (its first, its step, its length), or undefined for any other series. */
export function regularTimesKey(timesMs: Float64Array): string | undefined {
  const n = timesMs.length;
  if (n === 0) return undefined;
  const step = n > 1 ? timesMs[1]! - timesMs[0]! : 0;
  for (let i = 2; i < n; i++) if (timesMs[i]! - timesMs[i - 1]! !== step) return undefined;
  return `${timesMs[0]}/${step}/${n}`;
}

function secondsText(timesMs: Float64Array, memo: Map<string, string>): string {
  const n = timesMs.length;
  if (n === 0) return "";
  const key = regularTimesKey(timesMs);
  const known = key === undefined ? undefined : memo.get(key);
  if (known !== undefined) return known;
  const seconds = new Float64Array(n);
  for (let i = 0; i < n; i++) seconds[i] = timesMs[i]! / 1000;
  const text = numbersText(seconds);
  if (key !== undefined) memo.set(key, text);
  return text;
}

/** Numbers as JSON writes them: the typed array's own join (the same shortest round-trip text), null for NaN and infinities. */
function numbersText(values: Float64Array): string {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) return Array.from(values, (v) => JSON.stringify(v)).join(",");
  }
  return values.join(",");
}
