import type { LoadBalancer, ServiceDeploymentLifecycleStage } from "@aws-sdk/client-ecs";
import type { Action, ForwardTarget } from "./load-balancing/types.js";

/**
 * ECS's blue/green deployments (`deploymentConfiguration.strategy` BLUE_GREEN): the new deployment
 * (green) runs its whole count beside the one serving production (blue), registered in the other
 * target group of each load balancer's pair (`targetGroupArn` and
 * `advancedConfiguration.alternateTargetGroupArn`); once all its tasks are healthy the test and
 * then the production listener rules are turned to its target groups, and after the bake time the
 * blue tasks go (controller/services/blue-green.ts). Until then a rollback is one more turn of the
 * rules: the blue tasks never stopped.
 */
export interface BlueGreenState {
  /** SCALE_UP until every green task is healthy; BAKE_TIME once production traffic is on it; CLEAN_UP once the blue tasks go. */
  readonly stage: ServiceDeploymentLifecycleStage;
  /** Per service load balancer, in order: the target group this deployment's tasks register in. */
  readonly targetGroups: readonly string[];
  /** The deployment that served production when this one started (blue), if any. */
  readonly from?: string | undefined;
  /** When production traffic was turned to it: the bake time counts from here. */
  readonly shiftedAtMs?: number | undefined;
}

/** Which deployment production traffic goes to, and its target groups (one per load balancer). */
export interface ProductionTraffic {
  readonly deploymentId: string;
  readonly targetGroups: readonly string[];
}

/** One listener rule (or a network load balancer's listener) turned to one target group of each pair it forwards to. */
export interface TrafficOrder {
  readonly ruleArn: string;
  /** Forward weights by target group: 100 for the one that takes the traffic, 0 for the other. */
  readonly weights: Readonly<Record<string, number>>;
}

interface Balanced {
  readonly loadBalancers?: readonly LoadBalancer[] | undefined;
  readonly deployments: readonly { readonly id: string; readonly blueGreen?: BlueGreenState | undefined }[];
  readonly production?: ProductionTraffic | undefined;
}

/** The target groups a deployment's tasks register in, one per load balancer: its own (blue/green), else each load balancer's `targetGroupArn`. */
export function targetGroupsOf(service: Balanced, deploymentId: string | undefined): string[] {
  const own = service.deployments.find((d) => d.id === deploymentId)?.blueGreen?.targetGroups;
  return (service.loadBalancers ?? []).map((lb, i) => own?.[i] ?? lb.targetGroupArn ?? "");
}

/** Every target group the service's tasks may register in: each pair's both. */
export function serviceTargetGroups(service: Pick<Balanced, "loadBalancers">): string[] {
  const all = (service.loadBalancers ?? []).flatMap((lb) => [lb.targetGroupArn, lb.advancedConfiguration?.alternateTargetGroupArn]);
  return [...new Set(all.filter((arn): arn is string => arn !== undefined && arn !== ""))];
}

/**
 * A new blue/green deployment's target groups: of each pair, the one production traffic does not
 * go to (before any shift, production goes to `targetGroupArn`, as the user's rule forwards it).
 * A new service's first deployment has no blue to run beside: it takes `targetGroupArn`.
 */
export function greenTargetGroups(service: Balanced): string[] {
  return (service.loadBalancers ?? []).map((lb, i) => {
    const primary = lb.targetGroupArn ?? "";
    const alternate = lb.advancedConfiguration?.alternateTargetGroupArn;
    const production = service.production?.targetGroups[i] ?? primary;
    return alternate !== undefined && production === primary && service.deployments.length > 0 ? alternate : primary;
  });
}

/** The orders that turn each load balancer's production (or test) rule to `targetGroups`. */
export function trafficOrders(service: Pick<Balanced, "loadBalancers">, targetGroups: readonly string[], rule: "production" | "test"): TrafficOrder[] {
  const orders: TrafficOrder[] = [];
  (service.loadBalancers ?? []).forEach((lb, i) => {
    const a = lb.advancedConfiguration;
    const ruleArn = rule === "production" ? a?.productionListenerRule : a?.testListenerRule;
    const to = targetGroups[i];
    if (a?.alternateTargetGroupArn === undefined || ruleArn === undefined || to === undefined) return;
    const other = to === lb.targetGroupArn ? a.alternateTargetGroupArn : (lb.targetGroupArn ?? "");
    orders.push({ ruleArn, weights: { [to]: 100, [other]: 0 } });
  });
  return orders;
}

/** Forward actions with the order's weights for the target groups it names (the others' as they were). */
export function withWeights(actions: readonly Action[], weights: Readonly<Record<string, number>>): Action[] {
  const weight = (g: ForwardTarget): ForwardTarget => (Object.hasOwn(weights, g.targetGroupArn) ? { ...g, weight: weights[g.targetGroupArn]! } : g);
  return actions.map((a) => (a.type === "forward" ? { ...a, targetGroups: a.targetGroups.map(weight) } : a));
}
