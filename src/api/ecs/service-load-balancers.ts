import type { LoadBalancer } from "@aws-sdk/client-ecs";
import { invalidParameter } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { ReadTx, TaskDefinitionRecord } from "../../state/store.js";

/** ECS allows at most 5 target groups per service. */
const maxLoadBalancers = 5;

/**
 * A service's `loadBalancers`, checked as ECS checks them: ELBv2 target groups only (no Classic
 * Load Balancers), each attached to a load balancer, naming a container of the task definition and
 * one of its container ports; `ip` target groups for awsvpc task definitions, `instance` ones for the others.
 */
export async function checkServiceLoadBalancers(tx: ReadTx, lbs: readonly LoadBalancer[], td: TaskDefinitionRecord): Promise<LoadBalancer[]> {
  if (lbs.length > maxLoadBalancers) throw invalidParameter(`loadBalancers can name at most ${maxLoadBalancers} target groups; got ${lbs.length}.`);
  const out: LoadBalancer[] = [];
  for (const lb of lbs) {
    if (lb.loadBalancerName !== undefined) throw invalidParameter("Classic Load Balancers (loadBalancerName) are not available in Berth: use an ELBv2 target group (targetGroupArn).");
    const arn = lb.targetGroupArn;
    if (arn === undefined || arn === "") throw invalidParameter("Each of loadBalancers needs a targetGroupArn.");
    const tg = await tx.loadBalancing.targetGroup(arn);
    if (!tg) throw invalidParameter(`The target group with targetGroupArn ${excerpt(arn)} does not exist.`);
    const attached = await attachedToLoadBalancer(tx, arn);
    if (!attached) throw invalidParameter(`The target group with targetGroupArn ${tg.arn} does not have an associated load balancer.`);
    const mode = td.body.networkMode ?? "bridge";
    if ((tg.targetType === "ip") !== (mode === "awsvpc")) {
      throw invalidParameter(`The provided target group ${tg.arn} has target type ${tg.targetType}, which is incompatible with the ${mode} network mode specified in the task definition.`);
    }
    const container = (td.body.containerDefinitions ?? []).find((c) => c.name === lb.containerName);
    if (!container) throw invalidParameter(`The container ${excerpt(lb.containerName ?? "")} does not exist in the task definition.`);
    if (!(container.portMappings ?? []).some((p) => p.containerPort === lb.containerPort && (p.protocol ?? "tcp") === "tcp")) {
      throw invalidParameter(`The container ${container.name ?? ""} did not have a container port ${lb.containerPort ?? "null"} defined.`);
    }
    if (out.some((o) => o.targetGroupArn === arn && o.containerName === lb.containerName && o.containerPort === lb.containerPort)) {
      throw invalidParameter(`loadBalancers names target group ${tg.arn} with container ${container.name ?? ""}:${lb.containerPort ?? ""} twice.`);
    }
    out.push({ targetGroupArn: arn, containerName: lb.containerName, containerPort: lb.containerPort });
  }
  return out;
}

async function attachedToLoadBalancer(tx: ReadTx, targetGroupArn: string): Promise<boolean> {
  for (const l of await tx.loadBalancing.listeners()) {
    const actions = [...l.defaultActions, ...(await tx.loadBalancing.rules(l.arn)).flatMap((r) => r.actions)];
    if (actions.some((a) => a.type === "forward" && a.targetGroups.some((g) => g.targetGroupArn === targetGroupArn))) return true;
  }
  return false;
}
