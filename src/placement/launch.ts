import { randomUUID } from "node:crypto";
import type { Failure, Tag, TaskOverride } from "@aws-sdk/client-ecs";
import type { TaskSpec } from "../agent-protocol/messages.js";
import { clusterArn, taskArn, type Partition } from "../domain/arn.js";
import { newId } from "../domain/ids.js";
import { applyOverrides, reservationOf, type TaskRecord } from "../domain/task.js";
import { ClusterState } from "../scheduler/cluster-state.js";
import { failureDetail } from "../scheduler/explain-text.js";
import { placeTasks } from "../scheduler/place.js";
import type { Placement, PlacementConstraint, PlacementExplanation, PlacementRequest, PlacementStrategy } from "../scheduler/types.js";
import type { ClusterRecord, TaskDefinitionRecord, WriteTx } from "../state/store.js";
import type { PlacementIndex } from "./placement-index.js";

/**
 * The one path by which tasks come to exist: RunTask, StartTask and the service reconciler all
 * place with the engine and create the task records here, inside the caller's store write, and
 * reserve in the placement index in that same write (see placement-index.ts: the single applier).
 */

/** What to start: the definition, overrides and labels shared by the tasks of one launch. */
export interface Launch {
  readonly cluster: ClusterRecord;
  readonly taskDefinition: TaskDefinitionRecord;
  readonly overrides: TaskOverride;
  readonly group: string;
  readonly startedBy?: string | undefined;
  /** Set for a service's tasks. */
  readonly serviceName?: string | undefined;
  readonly tags: readonly Tag[];
  readonly constraints: readonly PlacementConstraint[];
  readonly strategies: readonly PlacementStrategy[];
}

export interface LaunchContext {
  readonly placement: PlacementIndex;
  readonly random: () => number;
  readonly partition: Partition;
  readonly nowMs: number;
}

export interface LaunchResult {
  readonly tasks: readonly TaskRecord[];
  /** ECS `failures[]`: one per rejected instance, the engine's summary appended to each detail. */
  readonly failures: readonly Failure[];
  /** Present when fewer tasks than asked were placed. */
  readonly explanation?: PlacementExplanation | undefined;
}

/**
 * Places and creates up to `count` tasks in the current write. With `onInstanceId`, only that
 * instance is considered (StartTask, DAEMON services); resources are still checked.
 * Throws the engine's InvalidPlacementRequest / QuerySyntaxError for a malformed request.
 */
export async function launchTasks(tx: WriteTx, ctx: LaunchContext, launch: Launch, count: number, onInstanceId?: string): Promise<LaunchResult> {
  const state = await ctx.placement.state(tx, launch.cluster.name);
  let target = state;
  if (onInstanceId !== undefined) {
    const i = state.indexOf(onInstanceId);
    if (i === undefined) return { tasks: [], failures: [{ arn: onInstanceId, reason: "MISSING" }] };
    target = ClusterState.from([state.snapshot(i)]);
  }
  const result = placeTasks(target, placementRequest(launch, count), { random: ctx.random });
  const summary = result.explanation?.summary;
  const failures = result.failures.map((f) => ({ arn: f.arn, reason: f.reason, detail: failureDetail(f.detail, summary) }));
  const tasks: TaskRecord[] = [];
  for (const p of result.placements) tasks.push(await createPlacedTask(tx, ctx, launch, p));
  return { tasks, failures, explanation: result.explanation };
}

async function createPlacedTask(tx: WriteTx, ctx: LaunchContext, l: Launch, p: Placement): Promise<TaskRecord> {
  const task = newTaskRecord(l, p.instanceArn, ctx);
  await tx.tasks.put(task);
  ctx.placement.reserve(l.cluster.name, p, task);
  return task;
}

export function placementRequest(l: Launch, count: number): PlacementRequest {
  const need = reservationFor(l);
  return {
    count,
    group: l.group,
    cpu: need.cpu,
    memory: need.memory,
    tcpPorts: need.tcpPorts,
    udpPorts: need.udpPorts,
    requiredAttributes: (l.taskDefinition.body.requiresAttributes ?? []).map((a) => ({ name: a.name ?? "", value: a.value })),
    constraints: l.constraints,
    strategies: l.strategies,
  };
}

const reservationFor = (l: Launch) =>
  reservationOf(l.taskDefinition.body, applyOverrides(l.taskDefinition.body.containerDefinitions ?? [], l.overrides), l.overrides);

function newTaskRecord(l: Launch, instanceArn: string, ctx: { partition: Partition; nowMs: number }): TaskRecord {
  const id = newId();
  const td = l.taskDefinition.body;
  const containers = applyOverrides(td.containerDefinitions ?? [], l.overrides);
  const spec: TaskSpec = {
    taskArn: taskArn(ctx.partition, l.cluster.name, id),
    family: l.taskDefinition.family,
    revision: l.taskDefinition.revision,
    desiredStatus: "RUNNING",
    networkMode: td.networkMode ?? "bridge",
    cpu: td.cpu === undefined ? undefined : Number(td.cpu),
    memory: td.memory === undefined ? undefined : Number(td.memory),
    containers,
    volumes: td.volumes ?? [],
  };
  return {
    arn: spec.taskArn,
    id,
    cluster: l.cluster.name,
    clusterArn: clusterArn(ctx.partition, l.cluster.name),
    containerInstanceArn: instanceArn,
    taskDefinitionArn: td.taskDefinitionArn ?? "",
    group: l.group,
    startedBy: l.startedBy,
    serviceName: l.serviceName,
    launchType: "EC2",
    overrides: l.overrides,
    tags: l.tags,
    spec,
    containerIds: Object.fromEntries(containers.map((c) => [c.name ?? "", randomUUID()])),
    reservation: reservationFor(l),
    lastStatus: "PROVISIONING",
    createdAtMs: ctx.nowMs,
    version: 1,
  };
}
