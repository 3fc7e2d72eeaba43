import { metricId, type Dimension, type MetricId } from "../../domain/metrics/series.js";
import { invalid, optList, optString, reqString, type Params } from "./read.js";

/** CloudWatch's StandardUnit values. */
export const units = [
  "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits",
  "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second",
  "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second",
  "Terabits/Second", "Count/Second", "None",
] as const;

export function optUnit(p: Params, name = "Unit"): string | undefined {
  const u = optString(p, name);
  if (u !== undefined && !units.some((x) => x === u)) throw invalid(name, u, `It must be one of: ${units.join(", ")}.`);
  return u;
}

/** A list of `{Name, Value}` dimensions (at most 30, names unique); `valueRequired` false for ListMetrics' filters. */
export function dimensionsOf(p: Params, name: string, valueRequired: true): Dimension[];
export function dimensionsOf(p: Params, name: string, valueRequired: false): { name: string; value?: string | undefined }[];
export function dimensionsOf(p: Params, name: string, valueRequired: boolean): { name: string; value?: string | undefined }[] {
  const list = optList(p, name, 30) ?? [];
  const out = list.map((d, i) => {
    const at = `${name}.member.${i + 1}`;
    return { name: reqString(d, "Name", 255, `${at}.Name`), value: valueRequired ? reqString(d, "Value", 1024, `${at}.Value`) : optString(d, "Value", 1024, `${at}.Value`) };
  });
  const names = new Set(out.map((d) => d.name));
  if (names.size !== out.length) throw invalid(name, out.map((d) => d.name).join(","), "A dimension name may appear once.");
  return out;
}

export function namespaceOf(p: Params, name = "Namespace"): string {
  const ns = reqString(p, name, 255);
  if (!/^[^:].*$/.test(ns) || /[^\x20-\x7e]/.test(ns)) throw invalid(name, ns, "It must be printable ASCII and must not start with a colon.");
  return ns;
}

/** `{Namespace, MetricName, Dimensions}` as in GetMetricData's MetricStat.Metric. */
export function metricOf(p: Params): MetricId {
  return metricId(namespaceOf(p, "Namespace"), reqString(p, "MetricName", 255), dimensionsOf(p, "Dimensions", true).map((d) => ({ ...d })));
}

/** A metric as CloudWatch answers it. */
export const metricView = (m: MetricId) => ({
  Namespace: m.namespace,
  MetricName: m.metricName,
  Dimensions: m.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
});
