import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { LoadBalancerRecord } from "../domain/load-balancing/types.js";
import { TrafficTally } from "../lb/traffic.js";
import { percentile, sketchCount } from "../domain/metrics/sketch.js";
import { elbMetrics } from "./elb-metrics.js";

const alb: LoadBalancerRecord = { arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188", name: "web", type: "application", scheme: "internal", ipAddressType: "ipv4", createdAtMs: 0, attributes: {} };
const nlb: LoadBalancerRecord = { ...alb, arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/tcp/0000000000000003", name: "tcp", type: "network" };
const blue = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/73e2d6bc24d8a067";
const green = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/0000000000000002";
const tcp = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tcp/0000000000000004";

/** `namespace metric dimension values` → [sum, count, min, max, unit] */
function table(samples: ReturnType<typeof elbMetrics>): Record<string, [number, number, number, number, string]> {
  return Object.fromEntries(samples.map((s) => [`${s.metric.namespace} ${s.metric.metricName} ${s.metric.dimensions.map((d) => `${d.name}=${d.value}`).join(",")}`, [s.sum, s.count, s.min, s.max, s.unit]]));
}

describe("the load balancers' CloudWatch metrics as ELB defines them", () => {
  it("counts per load balancer and per target group, response times in seconds, health and requests per healthy target", () => {
    const t = new TrafficTally();
    for (let i = 0; i < 6; i++) t.count(alb.arn, blue, "RequestCount");
    for (let i = 0; i < 5; i++) t.targetResponse(alb.arn, blue, 200, 0.002 * (i + 1));
    t.targetResponse(alb.arn, blue, 500, 0.1);
    t.count(alb.arn, undefined, "NewConnectionCount");
    t.elbResponse(alb.arn, 503);
    t.count(nlb.arn, tcp, "NewFlowCount");
    const lb = "LoadBalancer=app/web/50dc6c495c0c9188";
    const tg = "TargetGroup=targetgroup/blue/73e2d6bc24d8a067";
    const all = elbMetrics({
        loadBalancers: [alb, nlb],
        attachments: [
          { loadBalancer: alb, groupArn: blue, healthy: 3, unhealthy: 1 },
          { loadBalancer: alb, groupArn: green, healthy: 0, unhealthy: 0 },
          { loadBalancer: nlb, groupArn: tcp, healthy: 1, unhealthy: 0 },
        ],
        traffic: t.drain(),
      });
    const samples = table(all);
    // Response times keep their distribution: p99 and the like.
    const times = all.filter((x) => x.metric.metricName === "TargetResponseTime");
    assert.deepEqual(times.map((x) => x.sketch && sketchCount(x.sketch)), [6, 6]);
    for (const x of times) assert.ok(Math.abs(percentile(x.sketch!, 50, x.min, x.max)! - 0.006) <= 0.00006, "p50 of the six times, within 1 %");
    assert.deepEqual(samples, {
      [`AWS/ApplicationELB RequestCount ${lb}`]: [6, 6, 1, 1, "Count"],
      [`AWS/ApplicationELB HTTPCode_Target_2XX_Count ${lb}`]: [5, 5, 1, 1, "Count"],
      [`AWS/ApplicationELB HTTPCode_Target_5XX_Count ${lb}`]: [1, 1, 1, 1, "Count"],
      [`AWS/ApplicationELB TargetResponseTime ${lb}`]: [0.13, 6, 0.002, 0.1, "Seconds"],
      [`AWS/ApplicationELB RequestCount ${lb},${tg}`]: [6, 6, 1, 1, "Count"],
      [`AWS/ApplicationELB HTTPCode_Target_2XX_Count ${lb},${tg}`]: [5, 5, 1, 1, "Count"],
      [`AWS/ApplicationELB HTTPCode_Target_5XX_Count ${lb},${tg}`]: [1, 1, 1, 1, "Count"],
      [`AWS/ApplicationELB TargetResponseTime ${lb},${tg}`]: [0.13, 6, 0.002, 0.1, "Seconds"],
      [`AWS/ApplicationELB HTTPCode_ELB_5XX_Count ${lb}`]: [1, 1, 1, 1, "Count"],
      [`AWS/ApplicationELB HTTPCode_ELB_503_Count ${lb}`]: [1, 1, 1, 1, "Count"],
      [`AWS/ApplicationELB NewConnectionCount ${lb}`]: [1, 1, 1, 1, "Count"],
      [`AWS/NetworkELB NewFlowCount LoadBalancer=net/tcp/0000000000000003`]: [1, 1, 1, 1, "Count"],
      [`AWS/ApplicationELB HealthyHostCount ${lb},${tg}`]: [3, 1, 3, 3, "Count"],
      [`AWS/ApplicationELB UnHealthyHostCount ${lb},${tg}`]: [1, 1, 1, 1, "Count"],
      // 6 requests over 3 healthy targets: 2 each.
      [`AWS/ApplicationELB RequestCountPerTarget ${lb},${tg}`]: [2, 1, 2, 2, "Count"],
      [`AWS/ApplicationELB RequestCountPerTarget ${tg}`]: [2, 1, 2, 2, "Count"],
      // No healthy target: health reported, no requests per target.
      [`AWS/ApplicationELB HealthyHostCount ${lb},TargetGroup=targetgroup/green/0000000000000002`]: [0, 1, 0, 0, "Count"],
      [`AWS/ApplicationELB UnHealthyHostCount ${lb},TargetGroup=targetgroup/green/0000000000000002`]: [0, 1, 0, 0, "Count"],
      [`AWS/NetworkELB HealthyHostCount LoadBalancer=net/tcp/0000000000000003,TargetGroup=targetgroup/tcp/0000000000000004`]: [1, 1, 1, 1, "Count"],
      [`AWS/NetworkELB UnHealthyHostCount LoadBalancer=net/tcp/0000000000000003,TargetGroup=targetgroup/tcp/0000000000000004`]: [0, 1, 0, 0, "Count"],
    });
  });

  it("reports requests per target at 0 once traffic stops (target tracking sees it), and nothing of a load balancer no longer there", () => {
    const t = new TrafficTally();
    t.count("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/gone/1", undefined, "NewConnectionCount");
    const samples = table(elbMetrics({ loadBalancers: [alb], attachments: [{ loadBalancer: alb, groupArn: blue, healthy: 2, unhealthy: 0 }], traffic: t.drain() }));
    assert.deepEqual(samples["AWS/ApplicationELB RequestCountPerTarget TargetGroup=targetgroup/blue/73e2d6bc24d8a067"], [0, 1, 0, 0, "Count"]);
    assert.equal(Object.keys(samples).filter((k) => k.includes("gone") || k.includes("NewConnectionCount")).length, 0);
  });

  it("sums a target group's requests over the load balancers that forward to it for its own RequestCountPerTarget", () => {
    const other: LoadBalancerRecord = { ...alb, arn: alb.arn.replace("app/web/50dc6c495c0c9188", "app/api/1111111111111111"), name: "api" };
    const t = new TrafficTally();
    for (let i = 0; i < 4; i++) t.count(alb.arn, blue, "RequestCount");
    for (let i = 0; i < 2; i++) t.count(other.arn, blue, "RequestCount");
    const samples = table(
      elbMetrics({
        loadBalancers: [alb, other],
        attachments: [
          { loadBalancer: alb, groupArn: blue, healthy: 2, unhealthy: 0 },
          { loadBalancer: other, groupArn: blue, healthy: 2, unhealthy: 0 },
        ],
        traffic: t.drain(),
      }),
    );
    assert.deepEqual(samples["AWS/ApplicationELB RequestCountPerTarget TargetGroup=targetgroup/blue/73e2d6bc24d8a067"], [3, 1, 3, 3, "Count"]);
    assert.deepEqual(samples["AWS/ApplicationELB RequestCountPerTarget LoadBalancer=app/api/1111111111111111,TargetGroup=targetgroup/blue/73e2d6bc24d8a067"], [1, 1, 1, 1, "Count"]);
  });
});
