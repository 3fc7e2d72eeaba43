import type { Partition } from "../arn.js";
import type { LoadBalancerType } from "./types.js";

/** ELBv2 ARNs, built in one place: `arn:aws:elasticloadbalancing:<region>:<account>:<resource>`. */
const prefix = (p: Partition): string => `arn:aws:elasticloadbalancing:${p.region}:${p.accountId}:`;
const shortType = (t: LoadBalancerType): string => (t === "network" ? "net" : "app");

export const loadBalancerArn = (p: Partition, type: LoadBalancerType, name: string, id: string): string => `${prefix(p)}loadbalancer/${shortType(type)}/${name}/${id}`;
export const targetGroupArn = (p: Partition, name: string, id: string): string => `${prefix(p)}targetgroup/${name}/${id}`;

/** `…:loadbalancer/app/<name>/<id>` → `…:listener/app/<name>/<id>/<listener id>`. */
export const listenerArn = (lbArn: string, id: string): string => `${lbArn.replace(":loadbalancer/", ":listener/")}/${id}`;
export const ruleArn = (listenerArnText: string, id: string): string => `${listenerArnText.replace(":listener/", ":listener-rule/")}/${id}`;

/**
 * The final portion of a load balancer's ARN (`app/<name>/<id>`, `net/<name>/<id>`) or a target
 * group's (`targetgroup/<name>/<id>`): CloudWatch's LoadBalancer and TargetGroup dimensions, and
 * the halves of Application Auto Scaling's resource label.
 */
export const arnSuffix = (arn: string): string => arn.split(":").slice(5).join(":").replace(/^loadbalancer\//, "");

/** The resource type of an ELBv2 ARN (loadbalancer, targetgroup, listener, listener-rule), or undefined. */
export function elbResourceType(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:elasticloadbalancing:[^:]*:\d*:([a-z-]+)\//.exec(arn)?.[1];
}

/** The DNS name ELB gives a load balancer; Berth's resolves nowhere, clients use the listener's address. */
export const dnsName = (name: string, id: string, region: string): string => `${name}-${id.slice(0, 10)}.${region}.elb.berth.internal`;
