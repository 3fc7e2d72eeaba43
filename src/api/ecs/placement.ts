import type { Failure, PlacementConstraint as EcsConstraint, PlacementStrategy as EcsStrategy } from "@aws-sdk/client-ecs";
import { remainingResources, type ContainerInstanceRecord, type Reservation } from "../../domain/container-instance.js";
import { invalidParameter } from "../../errors/catalog.js";
import { InvalidPlacementRequest } from "../../scheduler/invalid-request.js";
import { placeOnSnapshots } from "../../scheduler/place.js";
import { evaluate, type QueryTarget } from "../../scheduler/query/evaluate.js";
import { parseExpression } from "../../scheduler/query/parser.js";
import { QuerySyntaxError } from "../../scheduler/query/syntax-error.js";
import type { InstanceSnapshot, Placement, PlacementConstraint, PlacementStrategy } from "../../scheduler/types.js";
import type { ReadTx } from "../../state/store.js";

/**
 * The bridge between the store and the placement engine: snapshots of a cluster's instances as
 * they are inside the current transaction, and ECS's constraint and strategy shapes checked and
 * translated. Deciding inside the writing transaction is what makes placement the single applier:
 * no two RunTask calls can book the same cpu, memory or port.
 */

/** A memberOf expression's problem, for the task-definition validator and the API; undefined when it parses. */
export function expressionProblem(expression: string): string | undefined {
  try {
    parseExpression(expression);
    return undefined;
  } catch (e) {
    if (e instanceof QuerySyntaxError) return `The memberOf expression '${expression}' is not valid: ${e.message}.`;
    throw e;
  }
}

export function parseFilter(expression: string) {
  const problem = expressionProblem(expression);
  if (problem) throw invalidParameter(problem);
  return parseExpression(expression);
}

/** Checks and translates RunTask's (or a service's) constraints, task-definition ones first; ECS allows 10 in all. */
export function constraintsFrom(fromDefinition: readonly EcsConstraint[], fromRequest: readonly EcsConstraint[]): PlacementConstraint[] {
  const all = [...fromDefinition, ...fromRequest];
  if (all.length > 10) throw invalidParameter(`At most 10 placement constraints apply to a task; got ${all.length}.`);
  return all.map((c): PlacementConstraint => {
    if (c.type === "distinctInstance") return { type: "distinctInstance" };
    if (c.type === "memberOf") {
      const expression = c.expression ?? "";
      if (expression === "" || expression.length > 2000) throw invalidParameter("A memberOf constraint needs an expression of 1 to 2000 characters.");
      parseFilter(expression);
      return { type: "memberOf", expression };
    }
    throw invalidParameter(`Placement constraint type must be distinctInstance or memberOf; got '${c.type ?? ""}'.`);
  });
}

export function strategiesFrom(strategies: readonly EcsStrategy[]): PlacementStrategy[] {
  if (strategies.length > 5) throw invalidParameter(`At most 5 placement strategies; got ${strategies.length}.`);
  return strategies.map((s): PlacementStrategy => {
    const field = s.field ?? "";
    if (s.type === "random") return { type: "random" };
    if (s.type === "binpack") {
      const f = field.toLowerCase();
      if (f === "cpu" || f === "memory") return { type: "binpack", field: f };
      throw invalidParameter(`binpack takes the field cpu or memory; got '${field}'.`);
    }
    if (s.type === "spread") {
      if (field === "instanceId" || field === "host" || /^attribute:.+/.test(field)) return { type: "spread", field };
      throw invalidParameter(`spread takes the field instanceId, host or attribute:<name>; got '${field}'.`);
    }
    throw invalidParameter(`Placement strategy type must be binpack, spread or random; got '${s.type ?? ""}'.`);
  });
}

/** Every instance of a cluster that is not INACTIVE (or just the one named), as the engine sees it. */
export async function instanceSnapshots(tx: ReadTx, cluster: string, only?: string): Promise<InstanceSnapshot[]> {
  const instances: ContainerInstanceRecord[] = [];
  if (only !== undefined) {
    const one = await tx.containerInstances.get(only);
    if (one && one.cluster === cluster && one.status !== "INACTIVE") instances.push(one);
  } else {
    let after: string | undefined;
    do {
      const page = await tx.containerInstances.list(cluster, { limit: 1000, after });
      instances.push(...page.items.filter((i) => i.status !== "INACTIVE"));
      after = page.nextAfter;
    } while (after);
  }
  return Promise.all(instances.map(async (i) => snapshotOf(i, await tx.tasks.holdingResources(i.arn))));
}

function snapshotOf(
  i: ContainerInstanceRecord,
  holding: readonly { readonly reservation: Reservation; readonly group: string; readonly spec: { readonly desiredStatus: string } }[],
): InstanceSnapshot {
  const left = remainingResources(i.registered, holding.map((t) => t.reservation));
  const taskGroups = new Map<string, number>();
  for (const t of holding) taskGroups.set(t.group, (taskGroups.get(t.group) ?? 0) + 1);
  return {
    id: i.id,
    arn: i.arn,
    status: i.status,
    agentConnected: i.agentConnected,
    agentVersion: i.versionInfo.agentVersion,
    ec2InstanceId: i.ec2InstanceId,
    registeredAtMs: i.registeredAtMs,
    registeredCpu: i.registered.cpu,
    registeredMemory: i.registered.memory,
    remainingCpu: left.cpu,
    remainingMemory: left.memory,
    usedTcpPorts: [...left.usedTcp],
    usedUdpPorts: [...left.usedUdp],
    attributes: new Map(i.attributes.map((a) => [a.name ?? "", a.value ?? null])),
    runningTasksCount: holding.filter((t) => t.spec.desiredStatus === "RUNNING").length,
    taskGroups,
  };
}

/** Places `count` tasks; failures carry the engine's per-instance reason and its whole explanation. */
export function place(
  snapshots: readonly InstanceSnapshot[],
  request: Parameters<typeof placeOnSnapshots>[1],
  random: () => number,
): { placements: readonly Placement[]; failures: Failure[] } {
  try {
    const result = placeOnSnapshots(snapshots, request, { random });
    const summary = result.explanation?.summary;
    const failures = result.failures.map((f) => ({ arn: f.arn, reason: f.reason, detail: summary ? `${f.detail} ${summary}` : f.detail }));
    return { placements: result.placements, failures };
  } catch (e) {
    if (e instanceof InvalidPlacementRequest || e instanceof QuerySyntaxError) throw invalidParameter(e.message);
    throw e;
  }
}

/** An instance as ListContainerInstances' `filter` sees it. */
export function queryTarget(s: InstanceSnapshot): QueryTarget {
  return {
    attribute: (name) => s.attributes.get(name),
    agentConnected: s.agentConnected,
    agentVersion: s.agentVersion,
    ec2InstanceId: s.ec2InstanceId,
    registeredAtMs: s.registeredAtMs,
    runningTasksCount: s.runningTasksCount,
    taskGroupCount: (g) => s.taskGroups.get(g) ?? 0,
    taskGroups: () => s.taskGroups.keys(),
  };
}

export const matchesFilter = (expression: ReturnType<typeof parseExpression>, s: InstanceSnapshot): boolean => evaluate(expression, queryTarget(s));
