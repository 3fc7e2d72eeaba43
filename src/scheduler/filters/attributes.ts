import type { Check } from "../instance-view.js";
import { FailureReason } from "../reasons.js";
import { withHint } from "./attribute-hints.js";

export interface RequiredAttribute {
  readonly name: string;
  readonly value?: string;
}

/**
 * The task definition's `requiresAttributes` (derived by ECS from features the task uses, such as
 * `com.amazonaws.ecs.capability.docker-remote-api.1.19` or `ecs.capability.task-eni`): each must
 * be present on the instance, and equal when a value is given. Missing ones report ATTRIBUTE.
 */
export const attributesCheck = (required: readonly RequiredAttribute[]): Check => {
  const lacks = (attribute: (name: string) => string | null | undefined, r: RequiredAttribute): boolean => {
    const actual = attribute(r.name);
    return actual === undefined || (r.value !== undefined && actual !== r.value);
  };
  return {
    reason: FailureReason.attribute,
    passes: (v) => !required.some((r) => lacks((n) => v.attribute(n), r)),
    detail: (v) =>
      `missing attributes: ${required
        .filter((r) => lacks((n) => v.attribute(n), r))
        .map((r) => withHint(r.name, r.value))
        .join(", ")}`,
  };
};
