import type { LoadBalancer } from "@aws-sdk/client-ecs";
import { targetGroupsOf, type Balanced } from "./blue-green.js";

/** A service as its tasks' target registrations see it: its load balancers and deployments, and its task sets with theirs (EXTERNAL). */
export interface Registering extends Balanced {
  readonly taskSets?: readonly { readonly id: string; readonly loadBalancers?: readonly LoadBalancer[] | undefined }[] | undefined;
}

/** One load balancer a task runs behind, and the target group it registers in there. */
export interface Registration {
  readonly lb: LoadBalancer;
  readonly targetGroupArn: string;
}

/**
 * Where a task started by `startedBy` registers: a task set's tasks with the set's own load
 * balancers (an EXTERNAL service's are its task sets'); a deployment's with the service's, each in
 * the deployment's target group of the pair (blue/green: domain/blue-green.ts), else `targetGroupArn`.
 */
export function registrationsOf(service: Registering, startedBy: string | undefined): Registration[] {
  const set = service.taskSets?.find((s) => s.id === startedBy);
  if (set) return (set.loadBalancers ?? []).map((lb) => ({ lb, targetGroupArn: lb.targetGroupArn ?? "" }));
  const groups = targetGroupsOf(service, startedBy);
  return (service.loadBalancers ?? []).map((lb, i) => ({ lb, targetGroupArn: groups[i] ?? "" }));
}

/** Every target group the service's tasks may register in: each blue/green pair's both, and its task sets'. */
export function serviceTargetGroups(service: Pick<Registering, "loadBalancers" | "taskSets">): string[] {
  const lbs = [...(service.loadBalancers ?? []), ...(service.taskSets ?? []).flatMap((s) => s.loadBalancers ?? [])];
  const all = lbs.flatMap((lb) => [lb.targetGroupArn, lb.advancedConfiguration?.alternateTargetGroupArn]);
  return [...new Set(all.filter((arn): arn is string => arn !== undefined && arn !== ""))];
}

/** Whether any of the service's tasks runs behind a load balancer: the service's, or a task set's. */
export const isBalanced = (service: Pick<Registering, "loadBalancers" | "taskSets">): boolean =>
  (service.loadBalancers ?? []).length > 0 || (service.taskSets ?? []).some((s) => (s.loadBalancers ?? []).length > 0);
