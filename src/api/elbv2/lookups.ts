import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { ListenerRecord, LoadBalancerRecord, RuleRecord, TargetGroupRecord } from "../../domain/load-balancing/types.js";
import type { ReadTx } from "../../state/store.js";

/** Finds a resource by ARN or throws ELB's not-found error for it. */

export async function mustLoadBalancer(tx: ReadTx, arn: string): Promise<LoadBalancerRecord> {
  const lb = await tx.loadBalancing.loadBalancer(arn);
  if (!lb) throw new AwsError("LoadBalancerNotFound", `Load balancer '${excerpt(arn)}' not found`);
  return lb;
}

export async function mustTargetGroup(tx: ReadTx, arn: string): Promise<TargetGroupRecord> {
  const tg = await tx.loadBalancing.targetGroup(arn);
  if (!tg) throw new AwsError("TargetGroupNotFound", `Target group '${excerpt(arn)}' not found`);
  return tg;
}

export async function mustListener(tx: ReadTx, arn: string): Promise<ListenerRecord> {
  const l = await tx.loadBalancing.listener(arn);
  if (!l) throw new AwsError("ListenerNotFound", `Listener '${excerpt(arn)}' not found`);
  return l;
}

export async function mustRule(tx: ReadTx, arn: string): Promise<RuleRecord> {
  const r = await tx.loadBalancing.rule(arn);
  if (!r) throw new AwsError("RuleNotFound", `Rule '${excerpt(arn)}' not found`);
  return r;
}
