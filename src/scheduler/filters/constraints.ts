import type { Check } from "../instance-view.js";
import type { Expression } from "../query/ast.js";
import { evaluate } from "../query/evaluate.js";
import { FailureReason } from "../reasons.js";

/**
 * Placement constraints: binding rules, unlike strategies.
 *
 * `distinctInstance`: no two tasks of the group on one instance. It counts the group's tasks
 * already on the instance, so it also sees the earlier picks of the same request.
 */
export const distinctInstanceCheck = (group: string): Check => ({
  reason: FailureReason.distinctInstance,
  passes: (v) => v.taskGroupCount(group) === 0,
  detail: (v) => `already runs ${v.taskGroupCount(group)} task(s) of ${group}`,
});

/** `memberOf`: the instance must satisfy the cluster query expression (parsed once per request). */
export const memberOfCheck = (text: string, expression: Expression): Check => ({
  reason: FailureReason.memberOf,
  constraint: text,
  passes: (v) => evaluate(expression, v),
  detail: () => `does not satisfy memberOf(${text})`,
});
