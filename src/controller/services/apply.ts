import { arnId, type Partition } from "../../domain/arn.js";
import { withWeights, type TrafficOrder } from "../../domain/blue-green.js";
import { serviceLaunch, type Launch } from "../../domain/launch.js";
import { zoneAttribute } from "../../scheduler/types.js";
import { parseFilter } from "../../domain/placement-shapes.js";
import type { ServiceEventRecord } from "../../domain/service.js";
import { markLost, requestStop, type TaskRecord } from "../../domain/task.js";
import { launchThroughCapacity, tasksPerProvider } from "../../planner/capacity-launch.js";
import type { Planner } from "../../planner/planner.js";
import { serviceUnableToPlace } from "../../scheduler/explain-text.js";
import type { WriteTx } from "../../state/store.js";
import { serviceMessages } from "./messages.js";
import type { ServiceSnapshot } from "./snapshot.js";
import type { ServicePlan } from "./types.js";
import { isProtected } from "../../domain/task-protection.js";

export interface ApplyContext {
  readonly planner: Planner;
  readonly partition: Partition;
  readonly nowMs: number;
  readonly newEventId: () => string;
  /** Most tasks started by one apply, so that one write never holds the store for long. */
  readonly maxStarts: number;
  /** Load balancing hook (issue 11, controller/load-balancing/stop-gate.ts): holds a stop back while the task's targets drain. */
  readonly stopGate?: StopGate | undefined;
}

/** True while a task must not be told to stop yet (called inside the apply's write). */
export type StopGate = (tx: WriteTx, task: TaskRecord, nowMs: number) => Promise<boolean>;

export type ApplyOutcome =
  | { readonly kind: "conflict" }
  | { readonly kind: "applied"; readonly tasks: readonly TaskRecord[]; readonly truncated: boolean };

/** ECS keeps a service's last 100 events. */
export const eventsKept = 100;

/**
 * Applies a service plan in the caller's write. It decides nothing the plan did not: it re-reads
 * every task it touches (a task may have changed since the snapshot), has the planner place the
 * starts, and refuses the whole plan if the service changed.
 */
export async function applyPlan(tx: WriteTx, ctx: ApplyContext, snap: ServiceSnapshot, plan: ServicePlan): Promise<ApplyOutcome> {
  const current = await tx.services.get(snap.service.cluster, snap.service.name);
  if (!current || current.version !== snap.service.version) return { kind: "conflict" };
  const changed: TaskRecord[] = [];
  const events: string[] = [...plan.events];

  for (const order of plan.lost) {
    const t = await tx.tasks.get(order.taskArn);
    if (!t || t.lastStatus === "STOPPED") continue;
    const lost: TaskRecord = { ...markLost(t, { reason: order.reason, nowMs: ctx.nowMs }), serviceObserved: true };
    await tx.tasks.put(lost);
    changed.push(lost);
  }
  for (const order of plan.stops) {
    const t = await tx.tasks.get(order.taskArn);
    if (!t || t.spec.desiredStatus === "STOPPED") continue;
    // Re-checked in the write: UpdateTaskProtection may have landed since the snapshot.
    if (order.unlessProtected === true && isProtected(t, ctx.nowMs)) continue;
    // Load balancing hook (issue 11): a task behind target groups drains before it is told to stop.
    if (ctx.stopGate && (await ctx.stopGate(tx, t, ctx.nowMs))) continue;
    const stopping = requestStop(t, { reason: order.reason, code: "ServiceSchedulerInitiated", nowMs: ctx.nowMs });
    await tx.tasks.put(stopping);
    changed.push(stopping);
  }
  for (const arn of plan.observed) {
    const t = await tx.tasks.get(arn);
    if (t && t.lastStatus === "STOPPED" && t.serviceObserved !== true) await tx.tasks.put({ ...t, serviceObserved: true, version: t.version + 1 });
  }

  for (const order of plan.traffic) if (!(await turnTraffic(tx, order))) events.push(serviceMessages.trafficRuleGone(current.name, order.ruleArn));

  const service = plan.service ?? current;
  let budget = ctx.maxStarts;
  let truncated = false;
  const started: string[] = [];
  for (const order of plan.starts) {
    const td = snap.taskDefinitions.get(order.taskDefinitionArn);
    const cluster = await tx.clusters.get(service.cluster);
    if (!td || !cluster) throw new Error(`cannot start tasks of ${service.name}: ${td ? "cluster" : `task definition ${order.taskDefinitionArn}`} not found`);
    const count = Math.min(order.count, budget);
    truncated ||= count < order.count;
    if (count <= 0) continue;
    const launch = inZone(await serviceLaunch(tx, service, cluster, td, order.deploymentId), order.zone);
    const result =
      order.instanceArn === undefined
        ? await launchThroughCapacity(ctx.planner, tx, launch, count, ctx, tasksPerProvider(snap.tasks))
        : await ctx.planner.launch(tx, launch, count, ctx, arnId(order.instanceArn));
    budget -= result.tasks.length;
    changed.push(...result.tasks);
    started.push(...result.tasks.map((t) => t.id));
    if (result.tasks.length < count) events.push(serviceUnableToPlace(service.name, result.explanation));
  }
  if (started.length > 0) events.push(serviceMessages.started(service.name, started));

  const newest = (await tx.services.events(service.arn, 1))[0]?.message;
  const fresh = events.filter((m, i) => m !== (i === 0 ? newest : events[i - 1]));
  const records: ServiceEventRecord[] = fresh.map((message) => ({ id: ctx.newEventId(), createdAtMs: ctx.nowMs, message }));
  await tx.services.addEvents(service.arn, records, eventsKept);

  if (plan.service) await tx.services.put({ ...plan.service, version: current.version + 1 });
  return { kind: "applied", tasks: changed, truncated };
}

/** A blue/green traffic shift: the listener rule's (or a network load balancer listener's) forward weights; false when neither exists any more. */
async function turnTraffic(tx: WriteTx, order: TrafficOrder): Promise<boolean> {
  const rule = await tx.loadBalancing.rule(order.ruleArn);
  if (rule) {
    await tx.loadBalancing.putRule({ ...rule, actions: withWeights(rule.actions, order.weights) });
    return true;
  }
  const listener = await tx.loadBalancing.listener(order.ruleArn);
  if (listener) await tx.loadBalancing.putListener({ ...listener, defaultActions: withWeights(listener.defaultActions, order.weights) });
  return listener !== undefined;
}

/** An Availability Zone rebalancing's start: placed only in its zone (a memberOf constraint on the zone attribute). */
function inZone(launch: Launch, zone: string | undefined): Launch {
  if (zone === undefined) return launch;
  const expression = `attribute:${zoneAttribute} == ${zone}`;
  return { ...launch, constraints: [...launch.constraints, { type: "memberOf", expression, parsed: parseFilter(expression) }] };
}
