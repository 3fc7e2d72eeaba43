/**
 * Placement constraints stored in a task definition. Only `memberOf` is allowed here: ECS refuses
 * `distinctInstance` in a task definition (it belongs to RunTask and CreateService). ECS allows 10
 * constraints per task, counting the task definition's and those given at run time together; the
 * run-time count is the caller's to check, this caps the stored ones at 10.
 *
 * The expression's grammar (cluster query language) is the placement engine's business: it plugs its
 * parser in through `ExpressionCheck`. Without one, only presence and length are checked.
 */
import type { TaskDefinitionPlacementConstraint } from "@aws-sdk/client-ecs";
import { clientException } from "../../errors/catalog.js";
import { messages } from "./messages.js";
import type { ExpressionCheck } from "./types.js";

export const placementConstraintLimits = { maxConstraints: 10, maxExpressionLength: 2000 } as const;

export function normalizePlacementConstraints(
  constraints: readonly TaskDefinitionPlacementConstraint[] | undefined,
  validateExpression: ExpressionCheck | undefined,
): TaskDefinitionPlacementConstraint[] {
  const list = constraints ?? [];
  const { maxConstraints, maxExpressionLength } = placementConstraintLimits;
  if (list.length > maxConstraints) throw clientException(messages.tooManyConstraints(list.length, maxConstraints));
  for (const c of list) {
    if (c.type !== "memberOf") throw clientException(messages.constraintType(c.type));
    const expression = c.expression ?? "";
    if (expression.trim() === "") throw clientException(messages.constraintExpressionMissing());
    if (expression.length > maxExpressionLength) {
      throw clientException(messages.constraintExpressionTooLong(expression.length, maxExpressionLength));
    }
    const reason = validateExpression?.(expression);
    if (reason !== undefined) throw clientException(messages.constraintExpressionInvalid(expression, reason));
  }
  return [...list];
}
