import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Registry } from "prom-client";
import type { LoadBalancerRecord } from "../domain/load-balancing/types.js";
import { TrafficTally, type ElbMetricInputs } from "../lb/traffic.js";
import { registerElbSeries, snakeCase } from "./prometheus-elb.js";

const alb: LoadBalancerRecord = { arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188", name: "web", type: "application", scheme: "internal", ipAddressType: "ipv4", createdAtMs: 0, attributes: {} };
const blue = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/73e2d6bc24d8a067";

/** The sample lines of the registry's text, without HELP and TYPE. */
async function samples(registry: Registry): Promise<string[]> {
  return (await registry.metrics()).split("\n").filter((l) => l !== "" && !l.startsWith("#"));
}

describe("the load balancers' series of /metrics", () => {
  it("names each ELB count in Prometheus' case", () => {
    assert.deepEqual(["RequestCount", "HTTPCode_Target_2XX_Count", "HTTPCode_ELB_503_Count", "HTTP_Fixed_Response_Count", "NewFlowCount"].map(snakeCase), [
      "request_count",
      "httpcode_target_2xx_count",
      "httpcode_elb_503_count",
      "http_fixed_response_count",
      "new_flow_count",
    ]);
  });

  it("serves the traffic since the start as counters by load balancer and target group, and the health now as gauges", async () => {
    const t = new TrafficTally();
    for (let i = 0; i < 3; i++) t.count(alb.arn, blue, "RequestCount");
    t.targetResponse(alb.arn, blue, 200, 0.25);
    t.targetResponse(alb.arn, blue, 503, 0.5);
    t.elbResponse(alb.arn, 503);
    let inputs: ElbMetricInputs = { loadBalancers: [alb], attachments: [{ loadBalancer: alb, groupArn: blue, healthy: 3, unhealthy: 1 }], traffic: t.entries() };
    const registry = new Registry();
    registerElbSeries(registry, () => [{ region: "eu-west-1", dataPlane: { trafficTotals: () => inputs.traffic, attachments: () => inputs } }]);
    const pair = 'region="eu-west-1",load_balancer="app/web/50dc6c495c0c9188",target_group="targetgroup/blue/73e2d6bc24d8a067"';
    const own = 'region="eu-west-1",load_balancer="app/web/50dc6c495c0c9188",target_group=""';
    assert.deepEqual(
      (await samples(registry)).sort(),
      [
        `aws_elb_request_count_total{${pair}} 3`,
        `aws_elb_httpcode_target_2xx_count_total{${pair}} 1`,
        `aws_elb_httpcode_target_5xx_count_total{${pair}} 1`,
        `aws_elb_httpcode_elb_5xx_count_total{${own}} 1`,
        `aws_elb_httpcode_elb_503_count_total{${own}} 1`,
        `aws_elb_target_response_time_seconds_total{${pair}} 0.75`,
        `aws_elb_target_responses_total{${pair}} 2`,
        `aws_elb_healthy_host_count{${pair}} 3`,
        `aws_elb_unhealthy_host_count{${pair}} 1`,
      ].sort(),
    );
    // The next scrape reads the totals again, not what the last one added.
    t.count(alb.arn, blue, "RequestCount");
    inputs = { ...inputs, attachments: [], traffic: t.entries() };
    const again = await samples(registry);
    assert.ok(again.includes(`aws_elb_request_count_total{${pair}} 4`), again.join("\n"));
    assert.ok(!again.some((l) => l.startsWith("aws_elb_healthy_host_count")), "a group no load balancer forwards to has no health series");
  });
});
