import type { HealthCheck, TargetGroupProtocol } from "./types.js";

/** ELB's defaults for a target group's health check (the ELBv2 API reference, CreateTargetGroup). */
export function defaultHealthCheck(protocol: TargetGroupProtocol): HealthCheck {
  const tcp = protocol === "TCP";
  return {
    enabled: true,
    protocol: tcp ? "TCP" : protocol,
    port: "traffic-port",
    path: tcp ? "" : "/",
    intervalSeconds: 30,
    timeoutSeconds: tcp ? 10 : 5,
    healthyThreshold: 5,
    unhealthyThreshold: 2,
    httpCode: "200",
  };
}

/** Target group attributes with ELB's defaults (a TCP group's stickiness type is source_ip: targetGroupAttributesFor). */
export const defaultTargetGroupAttributes: Readonly<Record<string, string>> = {
  "deregistration_delay.timeout_seconds": "300",
  "slow_start.duration_seconds": "0",
  "load_balancing.algorithm.type": "round_robin",
  "stickiness.enabled": "false",
  "stickiness.type": "lb_cookie",
  "stickiness.lb_cookie.duration_seconds": "86400",
  "stickiness.app_cookie.cookie_name": "",
  "stickiness.app_cookie.duration_seconds": "86400",
};

/** A new target group's attributes: ELB's defaults for its protocol. */
export const targetGroupAttributesFor = (protocol: TargetGroupProtocol): Readonly<Record<string, string>> =>
  protocol === "TCP" ? { ...defaultTargetGroupAttributes, "stickiness.type": "source_ip" } : defaultTargetGroupAttributes;

/** Load balancer attributes with ELB's defaults. */
export const defaultLoadBalancerAttributes: Readonly<Record<string, string>> = {
  "idle_timeout.timeout_seconds": "60",
  "deletion_protection.enabled": "false",
  "routing.http2.enabled": "true",
};

/** The deregistration delay of a target group, in ms. */
export const deregistrationDelayMs = (attributes: Readonly<Record<string, string>>): number =>
  Number(attributes["deregistration_delay.timeout_seconds"] ?? "300") * 1000;
