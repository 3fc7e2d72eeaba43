import type { PlacementConstraint as EcsConstraint, PlacementStrategy as EcsStrategy } from "@aws-sdk/client-ecs";
import { invalidParameter } from "../errors/catalog.js";
import { excerpt } from "../observability/excerpt.js";
import type { Expression } from "../scheduler/query/ast.js";
import { parseExpression } from "../scheduler/query/parser.js";
import { QuerySyntaxError } from "../scheduler/query/syntax-error.js";
import type { PlacementConstraint, PlacementStrategy } from "../scheduler/types.js";

/**
 * ECS's placement constraint and strategy shapes, checked and translated into the engine's in one
 * place for every caller (RunTask, StartTask, services, and the controllers to come). A memberOf
 * expression is parsed here once and travels parsed.
 */

/** A memberOf expression parsed, or its problem in words. */
export function parseMemberOf(expression: string): { parsed: Expression } | { problem: string } {
  try {
    return { parsed: parseExpression(expression) };
  } catch (e) {
    if (e instanceof QuerySyntaxError) return { problem: `The memberOf expression '${excerpt(expression, 200)}' is not valid: ${excerpt(e.message, 200)}.` };
    throw e;
  }
}

/** A memberOf expression's problem, for the task-definition validator; undefined when it parses. */
export function expressionProblem(expression: string): string | undefined {
  const r = parseMemberOf(expression);
  return "problem" in r ? r.problem : undefined;
}

/** A cluster query (ListContainerInstances' `filter`), parsed, or InvalidParameterException. */
export function parseFilter(expression: string): Expression {
  const r = parseMemberOf(expression);
  if ("problem" in r) throw invalidParameter(r.problem);
  return r.parsed;
}

/** Checks and translates a task's constraints, task-definition ones first; ECS allows 10 in all. */
export function constraintsFrom(fromDefinition: readonly EcsConstraint[], fromRequest: readonly EcsConstraint[]): PlacementConstraint[] {
  const all = [...fromDefinition, ...fromRequest];
  if (all.length > 10) throw invalidParameter(`At most 10 placement constraints apply to a task; got ${all.length}.`);
  return all.map((c): PlacementConstraint => {
    if (c.type === "distinctInstance") return { type: "distinctInstance" };
    if (c.type === "memberOf") {
      const expression = c.expression ?? "";
      if (expression === "" || expression.length > 2000) throw invalidParameter("A memberOf constraint needs an expression of 1 to 2000 characters.");
      return { type: "memberOf", expression, parsed: parseFilter(expression) };
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
