import { Counter, Gauge, type Registry } from "prom-client";
import { arnSuffix } from "../domain/load-balancing/arns.js";
import { counted, responseTimes, trafficCounters, type ElbMetricInputs, type TrafficEntries, type TrafficRow } from "../lb/traffic.js";

/** A region's load balancers, as /metrics reads them: their traffic since the server started and their targets' health now. */
export interface RegionTraffic {
  readonly region: string;
  readonly dataPlane: { trafficTotals(): TrafficEntries; attachments(): Pick<ElbMetricInputs, "attachments"> };
}

/** `HTTPCode_Target_2XX_Count` → `httpcode_target_2xx_count`: CloudWatch's name in Prometheus' case. */
export const snakeCase = (name: string): string =>
  name
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/_+/g, "_");

const labelNames = ["region", "load_balancer", "target_group"] as const;
type Labels = Record<(typeof labelNames)[number], string>;

/**
 * The load balancers' series of `/metrics`, named after their CloudWatch metrics (metrics/elb-metrics.ts):
 * - a counter `aws_elb_<metric>_total` for each of ELB's counts (`aws_elb_request_count_total`,
 *   `aws_elb_httpcode_target_5xx_count_total`, `aws_elb_new_flow_count_total`…) since the server
 *   started, as of the last `--metrics-flush` tick; `aws_elb_target_response_time_seconds_total` and
 *   `aws_elb_target_responses_total` for the average response time (a rate over a rate);
 * - the gauges `aws_elb_healthy_host_count` and `aws_elb_unhealthy_host_count` now.
 * Labels: region, load_balancer and target_group as CloudWatch's dimensions (`app/web/…`,
 * `targetgroup/web/…`); a load balancer's own answers and connections have target_group "".
 */
export function registerElbSeries(registry: Registry, regions: () => Iterable<RegionTraffic>): void {
  const eachRow = (visit: (labels: Labels, row: TrafficRow) => void) => {
    for (const { region, dataPlane } of regions()) {
      for (const [lbArn, groupArn, row] of dataPlane.trafficTotals()) visit({ region, load_balancer: arnSuffix(lbArn), target_group: groupArn === "" ? "" : arnSuffix(groupArn) }, row);
    }
  };
  const counter = (name: string, help: string, valueOf: (row: TrafficRow) => number) =>
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        eachRow((labels, row) => {
          const n = valueOf(row);
          if (n > 0) this.inc(labels, n);
        });
      },
    });
  for (const name of trafficCounters) counter(`aws_elb_${snakeCase(name)}_total`, `ELB ${name} since the server started (as of the last metrics tick)`, (row) => counted(row, name));
  counter("aws_elb_target_response_time_seconds_total", "ELB TargetResponseTime: seconds from requests sent to targets to their response headers, added up", (row) => responseTimes(row)?.sum ?? 0);
  counter("aws_elb_target_responses_total", "Responses whose TargetResponseTime was counted", (row) => responseTimes(row)?.count ?? 0);
  const health = (metric: string, help: string, pick: (a: { healthy: number; unhealthy: number }) => number) =>
    new Gauge({
      name: metric,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const { region, dataPlane } of regions()) {
          for (const a of dataPlane.attachments().attachments) this.set({ region, load_balancer: arnSuffix(a.loadBalancer.arn), target_group: arnSuffix(a.groupArn) }, pick(a));
        }
      },
    });
  health("aws_elb_healthy_host_count", "ELB HealthyHostCount: a target group's targets taking requests, per load balancer forwarding to it", (a) => a.healthy);
  health("aws_elb_unhealthy_host_count", "ELB UnHealthyHostCount: a target group's registered targets failing their health checks, per load balancer forwarding to it", (a) => a.unhealthy);
}
