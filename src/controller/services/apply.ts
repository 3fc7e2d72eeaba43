import type { PlacementConstraint as EcsConstraint, PlacementStrategy as EcsStrategy, Tag } from "@aws-sdk/client-ecs";
import type { Partition } from "../../domain/arn.js";
import { arnId } from "../../domain/arn.js";
import { serviceGroup, type ServiceEventRecord, type ServiceRecord } from "../../domain/service.js";
import { markLost, requestStop, type TaskRecord } from "../../domain/task.js";
import { launchTasks, type Launch } from "../../placement/launch.js";
import type { PlacementIndex } from "../../placement/placement-index.js";
import { serviceUnableToPlace } from "../../scheduler/explain-text.js";
import { replicaServiceDefaultStrategy, type PlacementConstraint, type PlacementStrategy } from "../../scheduler/types.js";
import type { WriteTx } from "../../state/store.js";
import { serviceMessages } from "./messages.js";
import type { ServiceSnapshot } from "./snapshot.js";
import type { ServicePlan } from "./types.js";

export interface ApplyContext {
  readonly placement: PlacementIndex;
  readonly random: () => number;
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
  | { readonly kind: "applied"; readonly tasks: readonly TaskRecord[]; readonly service?: ServiceRecord | undefined; readonly truncated: boolean };

/** ECS keeps a service's last 100 events. */
export const eventsKept = 100;

/**
 * Applies a service plan in the caller's write: the plan applier. It decides nothing the plan did
 * not: it re-reads every task it touches (a task may have changed since the snapshot), places
 * starts through the shared launch path, and refuses the whole plan if the service changed.
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
    ctx.placement.release(lost);
    changed.push(lost);
  }
  for (const order of plan.stops) {
    const t = await tx.tasks.get(order.taskArn);
    if (!t || t.spec.desiredStatus === "STOPPED") continue;
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
    const launch: Launch = {
      cluster,
      taskDefinition: td,
      overrides: {},
      group: serviceGroup(service.name),
      startedBy: order.deploymentId,
      serviceName: service.name,
      tags: await taskTags(tx, service, order.taskDefinitionArn),
      constraints: constraints([...(td.body.placementConstraints ?? []), ...service.placementConstraints]),
      strategies: strategies(service),
    };
    const result = await launchTasks(tx, ctx, launch, count, (order.instanceArn === undefined ? undefined : arnId(order.instanceArn)));
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

  let written: ServiceRecord | undefined;
  if (plan.service) {
    written = { ...plan.service, version: current.version + 1 };
    await tx.services.put(written);
  }
  return { kind: "applied", tasks: changed, service: written, truncated };
}

/** Constraints were checked by CreateService/UpdateService and RegisterTaskDefinition; here only translated. */
function constraints(all: readonly EcsConstraint[]): PlacementConstraint[] {
  return all.flatMap((c): PlacementConstraint[] =>
    c.type === "distinctInstance" ? [{ type: "distinctInstance" }] : c.type === "memberOf" ? [{ type: "memberOf", expression: c.expression ?? "" }] : [],
  );
}

function strategies(s: ServiceRecord): readonly PlacementStrategy[] {
  if (s.placementStrategy.length === 0) return replicaServiceDefaultStrategy;
  return s.placementStrategy.map((x: EcsStrategy): PlacementStrategy => {
    if (x.type === "binpack") return { type: "binpack", field: x.field?.toLowerCase() === "cpu" ? "cpu" : "memory" };
    if (x.type === "spread") return { type: "spread", field: x.field ?? "instanceId" };
    return { type: "random" };
  });
}

/** propagateTags and enableECSManagedTags, as ECS tags a service's tasks. */
async function taskTags(tx: WriteTx, s: ServiceRecord, taskDefinitionArn: string): Promise<Tag[]> {
  const tags: Tag[] = [];
  if (s.enableECSManagedTags) tags.push({ key: "aws:ecs:serviceName", value: s.name }, { key: "aws:ecs:clusterName", value: s.cluster });
  if (s.propagateTags === "SERVICE") tags.push(...s.tags);
  if (s.propagateTags === "TASK_DEFINITION") tags.push(...(await tx.tags.list(taskDefinitionArn)));
  return tags;
}
