import type { PlacementConstraint as EcsConstraint, PlacementStrategy as EcsStrategy } from "@aws-sdk/client-ecs";
import { invalidParameter } from "../../errors/catalog.js";
import { evaluate, type QueryTarget } from "../../scheduler/query/evaluate.js";
import { parseExpression } from "../../scheduler/query/parser.js";
import { QuerySyntaxError } from "../../scheduler/query/syntax-error.js";
import type { InstanceSnapshot, PlacementConstraint, PlacementStrategy } from "../../scheduler/types.js";
import { excerpt } from "../../observability/excerpt.js";

/**
 * The bridge between the ECS API and the placement engine: ECS's constraint and strategy shapes
 * checked and translated, failures shaped as ECS returns them, the `filter` of ListContainerInstances.
 */

/** A memberOf expression's problem, for the task-definition validator and the API; undefined when it parses. */
export function expressionProblem(expression: string): string | undefined {
  try {
    parseExpression(expression);
    return undefined;
  } catch (e) {
    if (e instanceof QuerySyntaxError) return `The memberOf expression '${excerpt(expression, 200)}' is not valid: ${excerpt(e.message, 200)}.`;
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
    throw invalidParameter(`Placement constraint type must be distinctInstance or memberOf; got '${excerpt(c.type)}'.`);
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
      throw invalidParameter(`binpack takes the field cpu or memory; got '${excerpt(field)}'.`);
    }
    if (s.type === "spread") {
      if (field === "instanceId" || field === "host" || /^attribute:.+/.test(field)) return { type: "spread", field };
      throw invalidParameter(`spread takes the field instanceId, host or attribute:<name>; got '${excerpt(field)}'.`);
    }
    throw invalidParameter(`Placement strategy type must be binpack, spread or random; got '${excerpt(s.type)}'.`);
  });
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
