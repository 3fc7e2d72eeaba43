import type { Expression } from "../../scheduler/query/ast.js";
import { evaluate, type QueryTarget } from "../../scheduler/query/evaluate.js";
import type { InstanceSnapshot } from "../../scheduler/types.js";

/** An instance as ListContainerInstances' `filter` sees it (the filter is parsed by domain/placement-shapes.ts). */
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

export const matchesFilter = (expression: Expression, s: InstanceSnapshot): boolean => evaluate(expression, queryTarget(s));
