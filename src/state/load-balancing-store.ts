import type { ListenerRecord, LoadBalancerRecord, RuleRecord, TargetGroupRecord, TargetRecord } from "../domain/load-balancing/types.js";

/**
 * ELBv2 state in the store: load balancers, target groups, listeners and rules as documents keyed
 * by ARN, and target registrations keyed by (target group, id, port). ELBv2 records are written
 * only by the ELBv2 API and the load-balancing controller (one store writer), so they carry no
 * version.
 */
export interface LoadBalancingReader {
  loadBalancer(arn: string): Promise<LoadBalancerRecord | undefined>;
  loadBalancerNamed(name: string): Promise<LoadBalancerRecord | undefined>;
  loadBalancers(): Promise<LoadBalancerRecord[]>;
  targetGroup(arn: string): Promise<TargetGroupRecord | undefined>;
  targetGroupNamed(name: string): Promise<TargetGroupRecord | undefined>;
  targetGroups(): Promise<TargetGroupRecord[]>;
  listener(arn: string): Promise<ListenerRecord | undefined>;
  /** Every listener, or a load balancer's. */
  listeners(loadBalancerArn?: string): Promise<ListenerRecord[]>;
  rule(arn: string): Promise<RuleRecord | undefined>;
  /** A listener's rules (not its default), by priority. */
  rules(listenerArn: string): Promise<RuleRecord[]>;
  /** A target group's registrations, every state. */
  targets(targetGroupArn: string): Promise<TargetRecord[]>;
  /** The registrations a service made for a task. */
  targetsOfTask(taskArn: string): Promise<TargetRecord[]>;
}

export interface LoadBalancingRepository extends LoadBalancingReader {
  putLoadBalancer(r: LoadBalancerRecord): Promise<void>;
  putTargetGroup(r: TargetGroupRecord): Promise<void>;
  putListener(r: ListenerRecord): Promise<void>;
  putRule(r: RuleRecord): Promise<void>;
  /** Removes a load balancer, target group, listener or rule by ARN (a target group's targets with it). */
  remove(arn: string): Promise<void>;
  putTarget(r: TargetRecord): Promise<void>;
  removeTarget(targetGroupArn: string, id: string, port: number): Promise<void>;
}

/** The load balancers whose listeners (default actions or rules) forward to a target group, sorted. */
export async function loadBalancersOf(reader: LoadBalancingReader, targetGroupArn: string): Promise<string[]> {
  const found = new Set<string>();
  for (const l of await reader.listeners()) {
    const actions = [...l.defaultActions, ...(await reader.rules(l.arn)).flatMap((r) => r.actions)];
    if (actions.some((a) => a.type === "forward" && a.targetGroups.some((g) => g.targetGroupArn === targetGroupArn))) found.add(l.loadBalancerArn);
  }
  return [...found].sort();
}
