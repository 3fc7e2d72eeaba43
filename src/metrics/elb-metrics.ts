import { arnSuffix } from "../domain/load-balancing/arns.js";
import type { LoadBalancerRecord } from "../domain/load-balancing/types.js";
import { metricId, type Dimension } from "../domain/metrics/series.js";
import { counted, loadBalancerCounters, responseTimes, responseTimeSketch, sumRows, targetCounters, type ElbMetricInputs, type TrafficEntries, type TrafficRow } from "../lb/traffic.js";
import { oneValue, type MetricSample } from "./sample.js";

const namespaceOf = (lb: LoadBalancerRecord): string => (lb.type === "network" ? "AWS/NetworkELB" : "AWS/ApplicationELB");

/**
 * The load balancers' CloudWatch metrics at one moment, as ELB defines them ("CloudWatch metrics
 * for your Application Load Balancer", "… Network Load Balancer"): from the traffic counted since
 * the last moment and the target groups' health now.
 * - AWS/ApplicationELB, per LoadBalancer and per LoadBalancer and TargetGroup: RequestCount (the
 *   requests a target was chosen for), HTTPCode_Target_2XX…5XX_Count, TargetConnectionErrorCount,
 *   TargetResponseTime (seconds from the request sent to the target's response headers); per
 *   LoadBalancer: HTTPCode_ELB_3XX/4XX/5XX and _500/_502/_503/_504_Count, HTTP_Fixed_Response_Count,
 *   HTTP_Redirect_Count, NewConnectionCount. A count is a sample of 1 per event (Minimum, Maximum
 *   and Average are 1, as ELB's), reported only when nonzero.
 * - HealthyHostCount and UnHealthyHostCount per LoadBalancer and TargetGroup, every moment (both
 *   namespaces); RequestCountPerTarget (per TargetGroup, and with its LoadBalancer) while the group
 *   has a healthy target, 0 included: the requests of the moment over its healthy targets, so that
 *   its Sum over a period is ELB's (the average per target).
 * - AWS/NetworkELB, per LoadBalancer: NewFlowCount.
 * Pure.
 */
export function elbMetrics(inputs: ElbMetricInputs): MetricSample[] {
  const byArn = new Map(inputs.loadBalancers.map((lb) => [lb.arn, lb]));
  const out: MetricSample[] = [];
  const count = (lb: LoadBalancerRecord, name: string, dims: readonly Dimension[], n: number) => {
    if (n > 0) out.push({ metric: metricId(namespaceOf(lb), name, dims), sum: n, count: n, min: 1, max: 1, unit: "Count" });
  };
  const entriesOf = new Map<string, TrafficEntries[number][]>();
  for (const entry of inputs.traffic) {
    if (!byArn.has(entry[0])) continue;
    let entries = entriesOf.get(entry[0]);
    if (!entries) entriesOf.set(entry[0], (entries = []));
    entries.push(entry);
  }
  for (const [lbArn, entries] of entriesOf) {
    const lb = byArn.get(lbArn)!;
    const lbDims = [{ name: "LoadBalancer", value: arnSuffix(lbArn) }];
    const total = sumRows(entries.map((e) => e[2]));
    if (lb.type === "network") {
      count(lb, "NewFlowCount", lbDims, counted(total, "NewFlowCount"));
      continue;
    }
    const scopes: [readonly Dimension[], TrafficRow, TrafficEntries][] = [[lbDims, total, entries]];
    for (const e of entries) if (e[1] !== "") scopes.push([[...lbDims, { name: "TargetGroup", value: arnSuffix(e[1]) }], e[2], [e]]);
    for (const [dims, row, of] of scopes) {
      for (const name of targetCounters) count(lb, name, dims, counted(row, name));
      const times = responseTimes(row);
      if (times) out.push({ metric: metricId(namespaceOf(lb), "TargetResponseTime", dims), ...times, unit: "Seconds", sketch: responseTimeSketch(of) });
    }
    for (const name of loadBalancerCounters) count(lb, name, lbDims, counted(total, name));
  }

  const requests = (lbArn: string, groupArn: string): number => {
    const entry = entriesOf.get(lbArn)?.find((e) => e[1] === groupArn);
    return entry ? counted(entry[2], "RequestCount") : 0;
  };
  const perGroup = new Map<string, { requests: number; healthy: number }>();
  for (const a of inputs.attachments) {
    const lbDims = [{ name: "LoadBalancer", value: arnSuffix(a.loadBalancer.arn) }];
    const dims = [...lbDims, { name: "TargetGroup", value: arnSuffix(a.groupArn) }];
    const ns = namespaceOf(a.loadBalancer);
    out.push(oneValue(metricId(ns, "HealthyHostCount", dims), a.healthy, "Count"), oneValue(metricId(ns, "UnHealthyHostCount", dims), a.unhealthy, "Count"));
    if (a.loadBalancer.type === "network" || a.healthy === 0) continue;
    const n = requests(a.loadBalancer.arn, a.groupArn);
    out.push(oneValue(metricId(ns, "RequestCountPerTarget", dims), n / a.healthy, "Count"));
    perGroup.set(a.groupArn, { requests: (perGroup.get(a.groupArn)?.requests ?? 0) + n, healthy: a.healthy });
  }
  for (const [groupArn, g] of perGroup) out.push(oneValue(metricId("AWS/ApplicationELB", "RequestCountPerTarget", [{ name: "TargetGroup", value: arnSuffix(groupArn) }]), g.requests / g.healthy, "Count"));
  return out;
}
