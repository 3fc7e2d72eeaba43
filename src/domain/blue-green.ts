import type { LoadBalancer, ServiceDeploymentLifecycleStage } from "@aws-sdk/client-ecs";
import type { Action, ForwardTarget } from "./load-balancing/types.js";
import type { DeploymentConfig } from "./service-deployment.js";

/**
 * ECS's blue/green, linear and canary deployments (`deploymentConfiguration.strategy` BLUE_GREEN,
 * LINEAR, CANARY): the new deployment (green) runs its whole count beside the one serving
 * production (blue), registered in the other target group of each load balancer's pair
 * (`targetGroupArn` and `advancedConfiguration.alternateTargetGroupArn`); once all its tasks are
 * healthy the test and then the production listener rules are turned to its target groups, at once
 * (BLUE_GREEN) or in steps (LINEAR, CANARY), and after the bake time the blue tasks go
 * (controller/services/blue-green.ts). Until then a rollback is one more turn of the rules: the
 * blue tasks never stopped.
 */
export interface BlueGreenState {
  /**
   * SCALE_UP until every green task is healthy; PRODUCTION_TRAFFIC_SHIFT while a share of production
   * traffic is on it (LINEAR, CANARY); BAKE_TIME once all of it is; CLEAN_UP once the blue tasks go.
   */
  readonly stage: ServiceDeploymentLifecycleStage;
  /** Per service load balancer, in order: the target group this deployment's tasks register in. */
  readonly targetGroups: readonly string[];
  /** The deployment that served production when this one started (blue), if any. */
  readonly from?: string | undefined;
  /** The percentage of production traffic on it, and since when (its last step). */
  readonly share?: number | undefined;
  readonly sharedAtMs?: number | undefined;
  /** When all production traffic was on it: the bake time counts from here. */
  readonly shiftedAtMs?: number | undefined;
}

/** Whether a deployment configuration's strategy runs new deployments beside the old one and shifts traffic (all but ROLLING). */
export const shiftsTraffic = (c: DeploymentConfig): boolean => c.strategy !== undefined && c.strategy !== "ROLLING";

/** The share of production traffic (a percentage) green's next step puts on it, from `current`: all at once, the canary's and then all, or one more linear step. */
export function nextShare(c: DeploymentConfig, current: number): number {
  if (c.strategy === "CANARY" && current === 0) return c.canary?.canaryPercent ?? 100;
  if (c.strategy === "LINEAR") return Math.min(100, Math.round((current + (c.linear?.stepPercent ?? 100)) * 10) / 10);
  return 100;
}

/** How long a share below 100 % stays before the next step (minutes). */
export const stepWaitMinutes = (c: DeploymentConfig): number =>
  c.strategy === "CANARY" ? (c.canary?.canaryBakeTimeInMinutes ?? 0) : c.strategy === "LINEAR" ? (c.linear?.stepBakeTimeInMinutes ?? 0) : 0;

/** Which deployment production traffic goes to, and its target groups (one per load balancer). */
export interface ProductionTraffic {
  readonly deploymentId: string;
  readonly targetGroups: readonly string[];
}

/** One listener rule (or a network load balancer's listener) turned, wholly or in part, to one target group of each pair it forwards to. */
export interface TrafficOrder {
  readonly ruleArn: string;
  /** Forward weights by target group: 100 and 0 for all the traffic; a share in tenths of a percent (out of 1,000) otherwise. */
  readonly weights: Readonly<Record<string, number>>;
}

/** A service as its load balancers' target groups see it. */
export interface Balanced {
  readonly loadBalancers?: readonly LoadBalancer[] | undefined;
  readonly deployments: readonly { readonly id: string; readonly blueGreen?: BlueGreenState | undefined }[];
  readonly production?: ProductionTraffic | undefined;
}

/** The target groups a deployment's tasks register in, one per load balancer: its own (blue/green), else each load balancer's `targetGroupArn`. */
export function targetGroupsOf(service: Balanced, deploymentId: string | undefined): string[] {
  const own = service.deployments.find((d) => d.id === deploymentId)?.blueGreen?.targetGroups;
  return (service.loadBalancers ?? []).map((lb, i) => own?.[i] ?? lb.targetGroupArn ?? "");
}

/** The target groups production traffic goes to, one per load balancer (before any shift: each `targetGroupArn`, as the user's rule forwards it). */
export function productionTargetGroups(service: Pick<Balanced, "loadBalancers" | "production">): string[] {
  return (service.loadBalancers ?? []).map((lb, i) => service.production?.targetGroups[i] ?? lb.targetGroupArn ?? "");
}

/**
 * A new blue/green deployment's target groups: of each pair, the one production traffic does not
 * go to. A new service's first deployment has no blue to run beside: it takes `targetGroupArn`.
 */
export function greenTargetGroups(service: Balanced): string[] {
  const production = productionTargetGroups(service);
  return (service.loadBalancers ?? []).map((lb, i) => {
    const primary = lb.targetGroupArn ?? "";
    const alternate = lb.advancedConfiguration?.alternateTargetGroupArn;
    return alternate !== undefined && production[i] === primary && service.deployments.length > 0 ? alternate : primary;
  });
}

/** The orders that turn each load balancer's production (or test) rule to `targetGroups`: `share` percent of its traffic (all by default). */
export function trafficOrders(service: Pick<Balanced, "loadBalancers">, targetGroups: readonly string[], rule: "production" | "test", share = 100): TrafficOrder[] {
  const orders: TrafficOrder[] = [];
  (service.loadBalancers ?? []).forEach((lb, i) => {
    const a = lb.advancedConfiguration;
    const ruleArn = rule === "production" ? a?.productionListenerRule : a?.testListenerRule;
    const to = targetGroups[i];
    if (a?.alternateTargetGroupArn === undefined || ruleArn === undefined || to === undefined) return;
    const other = to === lb.targetGroupArn ? a.alternateTargetGroupArn : (lb.targetGroupArn ?? "");
    // ELB weights are whole numbers up to 999: a share in tenths of a percent fits them.
    const tenths = Math.round(share * 10);
    orders.push({ ruleArn, weights: share >= 100 ? { [to]: 100, [other]: 0 } : { [to]: tenths, [other]: 1000 - tenths } });
  });
  return orders;
}

/** Forward actions with the order's weights for the target groups it names (the others' as they were). */
export function withWeights(actions: readonly Action[], weights: Readonly<Record<string, number>>): Action[] {
  const weight = (g: ForwardTarget): ForwardTarget => (Object.hasOwn(weights, g.targetGroupArn) ? { ...g, weight: weights[g.targetGroupArn]! } : g);
  return actions.map((a) => (a.type === "forward" ? { ...a, targetGroups: a.targetGroups.map(weight) } : a));
}
