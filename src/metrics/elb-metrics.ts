import { arnSuffix } from "../domain/load-balancing/arns.js";
import type { LoadBalancerRecord } from "../domain/load-balancing/types.js";
import { metricId, type Dimension } from "../domain/metrics/series.js";
import { counted, responseTimes, sumRows, type ElbMetricInputs, type TrafficCounter, type TrafficRow } from "../lb/traffic.js";
import { oneValue, type MetricSample } from "./sample.js";

const namespaceOf = (lb: LoadBalancerRecord): string => (lb.type === "network" ? "AWS/NetworkELB" : "AWS/ApplicationELB");

/** Counted per load balancer and per target group (with its load balancer). */
const targetCounters: readonly TrafficCounter[] = [
  "RequestCount",
  "HTTPCode_Target_2XX_Count",
  "HTTPCode_Target_3XX_Count",
  "HTTPCode_Target_4XX_Count",
  "HTTPCode_Target_5XX_Count",
  "TargetConnectionErrorCount",
];
/** Counted per load balancer only: its own answers and the clients' connections. */
const loadBalancerCounters: readonly TrafficCounter[] = [
  "HTTPCode_ELB_3XX_Count",
  "HTTPCode_ELB_4XX_Count",
  "HTTPCode_ELB_5XX_Count",
  "HTTPCode_ELB_500_Count",
  "HTTPCode_ELB_502_Count",
  "HTTPCode_ELB_503_Count",
  "HTTPCode_ELB_504_Count",
  "HTTP_Fixed_Response_Count",
  "HTTP_Redirect_Count",
  "NewConnectionCount",
];

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
  const rowsOf = new Map<string, [string, TrafficRow][]>();
  for (const [lbArn, groupArn, row] of inputs.traffic) {
    if (!byArn.has(lbArn)) continue;
    let rows = rowsOf.get(lbArn);
    if (!rows) rowsOf.set(lbArn, (rows = []));
    rows.push([groupArn, row]);
  }
  for (const [lbArn, rows] of rowsOf) {
    const lb = byArn.get(lbArn)!;
    const lbDims = [{ name: "LoadBalancer", value: arnSuffix(lbArn) }];
    if (lb.type === "network") {
      count(lb, "NewFlowCount", lbDims, counted(sumRows(rows.map(([, r]) => r)), "NewFlowCount"));
      continue;
    }
    const scopes: [readonly Dimension[], TrafficRow][] = [[lbDims, sumRows(rows.map(([, r]) => r))]];
    for (const [groupArn, row] of rows) if (groupArn !== "") scopes.push([[...lbDims, { name: "TargetGroup", value: arnSuffix(groupArn) }], row]);
    for (const [dims, row] of scopes) {
      for (const name of targetCounters) count(lb, name, dims, counted(row, name));
      const times = responseTimes(row);
      if (times) out.push({ metric: metricId(namespaceOf(lb), "TargetResponseTime", dims), ...times, unit: "Seconds" });
    }
    const own = scopes[0]![1];
    for (const name of loadBalancerCounters) count(lb, name, lbDims, counted(own, name));
  }

  const requests = (lbArn: string, groupArn: string): number => {
    const row = rowsOf.get(lbArn)?.find(([g]) => g === groupArn)?.[1];
    return row ? counted(row, "RequestCount") : 0;
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
    const g = perGroup.get(a.groupArn) ?? { requests: 0, healthy: a.healthy };
    perGroup.set(a.groupArn, { requests: g.requests + n, healthy: a.healthy });
  }
  for (const [groupArn, g] of perGroup) out.push(oneValue(metricId("AWS/ApplicationELB", "RequestCountPerTarget", [{ name: "TargetGroup", value: arnSuffix(groupArn) }]), g.requests / g.healthy, "Count"));
  return out;
}
