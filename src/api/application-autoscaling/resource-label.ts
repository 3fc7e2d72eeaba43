import { parseResourceLabel } from "../../domain/autoscaling/target-tracking.js";
import { serviceTargetGroups } from "../../domain/service-target-groups.js";
import { arnSuffix } from "../../domain/load-balancing/arns.js";
import { excerpt } from "../../observability/excerpt.js";
import { loadBalancersOf } from "../../state/load-balancing-store.js";
import type { ReadTx } from "../../state/store.js";
import { validation } from "./checks.js";

/**
 * An ALBRequestCountPerTarget policy's resource label (checked for its form already) names a target
 * group the service registers its tasks in, and an application load balancer whose listeners
 * forward to it: Application Auto Scaling takes a label only "if there is a target group attached
 * to the ECS service".
 */
export async function checkResourceLabel(tx: ReadTx, cluster: string, service: string, label: string): Promise<void> {
  const parts = parseResourceLabel(label);
  if (!parts) throw validation(`ResourceLabel '${excerpt(label)}' is not valid.`);
  const svc = await tx.services.get(cluster, service);
  const groupArn = svc && serviceTargetGroups(svc).find((arn) => arnSuffix(arn) === parts.targetGroup);
  if (!groupArn) {
    throw validation(`ResourceLabel names target group ${excerpt(parts.targetGroup)}, which service ${service} of cluster ${cluster} does not register its tasks in: name a target group of the service's loadBalancers.`);
  }
  const lb = (await tx.loadBalancing.loadBalancers()).find((l) => l.type === "application" && arnSuffix(l.arn) === parts.loadBalancer);
  if (!lb || !(await loadBalancersOf(tx.loadBalancing, groupArn)).includes(lb.arn)) {
    const what = lb ? "whose listeners do not forward to" : "which is not an application load balancer of this account and Region; it must forward to";
    throw validation(`ResourceLabel names load balancer ${excerpt(parts.loadBalancer)}, ${what} target group ${parts.targetGroup}.`);
  }
}
