import type { AdvancedConfiguration, LoadBalancer } from "@aws-sdk/client-ecs";
import type { Action } from "../../domain/load-balancing/types.js";
import { invalidParameter } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { loadBalancersOf } from "../../state/load-balancing-store.js";
import type { ReadTx, TaskDefinitionRecord } from "../../state/store.js";

/** ECS allows at most 5 target groups per service. */
const maxLoadBalancers = 5;

/**
 * A service's `loadBalancers`, checked as ECS checks them: ELBv2 target groups only (no Classic
 * Load Balancers), each attached to a load balancer, naming a container of the task definition and
 * one of its container ports; `ip` target groups for awsvpc task definitions, `instance` ones for
 * the others. A blue/green (linear, canary) service's each need an `advancedConfiguration` (checkAdvanced).
 */
export async function checkServiceLoadBalancers(tx: ReadTx, lbs: readonly LoadBalancer[], td: TaskDefinitionRecord, shiftsTraffic: boolean): Promise<LoadBalancer[]> {
  if (lbs.length > maxLoadBalancers) throw invalidParameter(`loadBalancers can name at most ${maxLoadBalancers} target groups; got ${lbs.length}.`);
  const out: LoadBalancer[] = [];
  for (const lb of lbs) {
    if (lb.loadBalancerName !== undefined) throw invalidParameter("Classic Load Balancers (loadBalancerName) are not available in Berth: use an ELBv2 target group (targetGroupArn).");
    const arn = lb.targetGroupArn;
    if (arn === undefined || arn === "") throw invalidParameter("Each of loadBalancers needs a targetGroupArn.");
    await checkTargetGroup(tx, arn, td, "targetGroupArn");
    const container = (td.body.containerDefinitions ?? []).find((c) => c.name === lb.containerName);
    if (!container) throw invalidParameter(`The container ${excerpt(lb.containerName ?? "")} does not exist in the task definition.`);
    if (!(container.portMappings ?? []).some((p) => p.containerPort === lb.containerPort && (p.protocol ?? "tcp") === "tcp")) {
      throw invalidParameter(`The container ${container.name ?? ""} did not have a container port ${lb.containerPort ?? "null"} defined.`);
    }
    if (out.some((o) => o.targetGroupArn === arn && o.containerName === lb.containerName && o.containerPort === lb.containerPort)) {
      throw invalidParameter(`loadBalancers names target group ${arn} with container ${container.name ?? ""}:${lb.containerPort ?? ""} twice.`);
    }
    if (shiftsTraffic && lb.advancedConfiguration === undefined) {
      throw invalidParameter(
        `A BLUE_GREEN, LINEAR or CANARY service shifts traffic between two target groups: loadBalancers' target group ${arn} needs an advancedConfiguration with alternateTargetGroupArn and productionListenerRule.`,
      );
    }
    const advancedConfiguration = lb.advancedConfiguration && (await checkAdvanced(tx, arn, lb.advancedConfiguration, td));
    out.push({ targetGroupArn: arn, containerName: lb.containerName, containerPort: lb.containerPort, ...(advancedConfiguration && { advancedConfiguration }) });
  }
  return out;
}

async function checkTargetGroup(tx: ReadTx, arn: string, td: TaskDefinitionRecord, field: string): Promise<void> {
  const tg = await tx.loadBalancing.targetGroup(arn);
  if (!tg) throw invalidParameter(`The target group with ${field} ${excerpt(arn, 255)} does not exist.`);
  if ((await loadBalancersOf(tx.loadBalancing, arn)).length === 0) throw invalidParameter(`The target group with ${field} ${tg.arn} does not have an associated load balancer.`);
  const mode = td.body.networkMode ?? "bridge";
  if ((tg.targetType === "ip") !== (mode === "awsvpc")) {
    throw invalidParameter(`The provided target group ${tg.arn} has target type ${tg.targetType}, which is incompatible with the ${mode} network mode specified in the task definition.`);
  }
}

/**
 * Blue/green's settings of one load balancer: an alternate target group beside `targetGroupArn`,
 * and a production (and optionally a test) listener rule, or a network load balancer's listener,
 * whose forward action names both target groups, so that ECS can turn its weights from one to the
 * other. The role is ECS's permission to call ELB, which Berth has: taken as given.
 */
async function checkAdvanced(tx: ReadTx, targetGroupArn: string, a: AdvancedConfiguration, td: TaskDefinitionRecord): Promise<AdvancedConfiguration> {
  const alternate = a.alternateTargetGroupArn;
  if (alternate === undefined || alternate === "") throw invalidParameter("advancedConfiguration needs an alternateTargetGroupArn: the target group a new blue/green deployment's tasks register in.");
  if (alternate === targetGroupArn) throw invalidParameter(`advancedConfiguration.alternateTargetGroupArn must differ from targetGroupArn ${excerpt(targetGroupArn)}.`);
  await checkTargetGroup(tx, alternate, td, "alternateTargetGroupArn");
  if (a.productionListenerRule === undefined || a.productionListenerRule === "") {
    throw invalidParameter("advancedConfiguration needs a productionListenerRule: the listener rule (or network load balancer listener) whose traffic moves to the new deployment.");
  }
  for (const [field, ruleArn] of [["productionListenerRule", a.productionListenerRule], ["testListenerRule", a.testListenerRule]] as const) {
    if (ruleArn === undefined) continue;
    const actions = await ruleActions(tx, ruleArn);
    if (actions === undefined) throw invalidParameter(`advancedConfiguration.${field} ${excerpt(ruleArn)} is neither a listener rule nor a listener that exists.`);
    const both = actions.some((x) => x.type === "forward" && [targetGroupArn, alternate].every((g) => x.targetGroups.some((t) => t.targetGroupArn === g)));
    if (!both) {
      throw invalidParameter(
        `The ${field} ${ruleArn} must forward to both target groups, ${targetGroupArn} and ${alternate} (for example with weights 100 and 0), so that ECS can shift traffic between them.`,
      );
    }
  }
  return {
    alternateTargetGroupArn: alternate,
    productionListenerRule: a.productionListenerRule,
    ...(a.testListenerRule !== undefined && { testListenerRule: a.testListenerRule }),
    ...(a.roleArn !== undefined && { roleArn: a.roleArn }),
  };
}

/** A listener rule's actions, or a listener's default actions (a network load balancer has no rules). */
async function ruleActions(tx: ReadTx, arn: string): Promise<readonly Action[] | undefined> {
  return (await tx.loadBalancing.rule(arn))?.actions ?? (await tx.loadBalancing.listener(arn))?.defaultActions;
}

