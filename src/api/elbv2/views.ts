import { dnsName } from "../../domain/load-balancing/arns.js";
import type { Action, Condition, ListenerRecord, LoadBalancerRecord, RuleRecord, TargetGroupRecord } from "../../domain/load-balancing/types.js";

/** Berth's records in ELBv2's response members (the botocore elbv2 model's shapes). */

export const berthVpcId = "vpc-berth";

export function loadBalancerView(lb: LoadBalancerRecord, region: string): Record<string, unknown> {
  const id = lb.arn.split("/").at(-1) ?? "";
  return {
    LoadBalancerArn: lb.arn,
    DNSName: dnsName(lb.name, id, region),
    CanonicalHostedZoneId: "ZBERTH0000000",
    CreatedTime: new Date(lb.createdAtMs),
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: berthVpcId,
    State: { Code: "active" },
    Type: lb.type,
    AvailabilityZones: [{ ZoneName: `${region}a`, SubnetId: "subnet-berth" }],
    ...(lb.type === "application" && { SecurityGroups: [] }),
    IpAddressType: lb.ipAddressType,
  };
}

export function targetGroupView(tg: TargetGroupRecord, loadBalancerArns: readonly string[]): Record<string, unknown> {
  const hc = tg.healthCheck;
  const http = hc.protocol !== "TCP";
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: tg.protocol,
    Port: tg.port,
    VpcId: tg.vpcId,
    HealthCheckProtocol: hc.protocol,
    HealthCheckPort: hc.port,
    HealthCheckEnabled: hc.enabled,
    HealthCheckIntervalSeconds: hc.intervalSeconds,
    HealthCheckTimeoutSeconds: hc.timeoutSeconds,
    HealthyThresholdCount: hc.healthyThreshold,
    UnhealthyThresholdCount: hc.unhealthyThreshold,
    ...(http && { HealthCheckPath: hc.path, Matcher: { HttpCode: hc.httpCode } }),
    LoadBalancerArns: [...loadBalancerArns],
    TargetType: tg.targetType,
    ...(http && { ProtocolVersion: "HTTP1" }),
    IpAddressType: "ipv4",
  };
}

export function actionView(a: Action, i: number): Record<string, unknown> {
  const order = a.order ?? i + 1;
  switch (a.type) {
    case "forward":
      return {
        Type: "forward",
        ...(a.targetGroups.length === 1 && { TargetGroupArn: a.targetGroups[0]!.targetGroupArn }),
        Order: order,
        ForwardConfig: {
          TargetGroups: a.targetGroups.map((t) => ({ TargetGroupArn: t.targetGroupArn, Weight: t.weight })),
          TargetGroupStickinessConfig: { Enabled: a.stickinessSeconds !== undefined, ...(a.stickinessSeconds !== undefined && { DurationSeconds: a.stickinessSeconds }) },
        },
      };
    case "fixed-response":
      return { Type: "fixed-response", Order: order, FixedResponseConfig: { MessageBody: a.messageBody, StatusCode: a.statusCode, ContentType: a.contentType } };
    case "redirect":
      return {
        Type: "redirect",
        Order: order,
        RedirectConfig: { Protocol: a.protocol, Port: a.port, Host: a.host, Path: a.path, Query: a.query, StatusCode: a.statusCode },
      };
  }
}

export function listenerView(l: ListenerRecord): Record<string, unknown> {
  return {
    ListenerArn: l.arn,
    LoadBalancerArn: l.loadBalancerArn,
    Port: l.port,
    Protocol: l.protocol,
    ...(l.certificateArn !== undefined && { Certificates: [{ CertificateArn: l.certificateArn }], SslPolicy: l.sslPolicy }),
    DefaultActions: l.defaultActions.map(actionView),
  };
}

function conditionView(c: Condition): Record<string, unknown> {
  switch (c.field) {
    case "path-pattern":
      return { Field: c.field, Values: [...c.values], PathPatternConfig: { Values: [...c.values] } };
    case "host-header":
      return { Field: c.field, Values: [...c.values], HostHeaderConfig: { Values: [...c.values] } };
    case "http-header":
      return { Field: c.field, HttpHeaderConfig: { HttpHeaderName: c.headerName, Values: [...c.values] } };
    case "query-string":
      return { Field: c.field, QueryStringConfig: { Values: c.values.map((v) => ({ Key: v.key, Value: v.value })) } };
  }
}

export function ruleView(r: RuleRecord): Record<string, unknown> {
  return { RuleArn: r.arn, Priority: String(r.priority), Conditions: r.conditions.map(conditionView), Actions: r.actions.map(actionView), IsDefault: false };
}

/** A listener's default rule, as DescribeRules lists it last. */
export function defaultRuleView(l: ListenerRecord): Record<string, unknown> {
  return { RuleArn: `${l.arn.replace(":listener/", ":listener-rule/")}/default`, Priority: "default", Conditions: [], Actions: l.defaultActions.map(actionView), IsDefault: true };
}
