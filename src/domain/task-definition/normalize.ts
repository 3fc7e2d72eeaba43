import type { RegisterTaskDefinitionCommandInput, TaskDefinition } from "@aws-sdk/client-ecs";

export type NormalizedTaskDefinition = Omit<
  TaskDefinition,
  "taskDefinitionArn" | "revision" | "status" | "registeredAt" | "registeredBy" | "deregisteredAt" | "deleteRequestedAt"
>;

/** Placeholder until the validator lands (branch taskdef). */
export function normalizeTaskDefinition(input: RegisterTaskDefinitionCommandInput): NormalizedTaskDefinition {
  const { tags: _tags, ...rest } = input;
  return { ...rest, compatibilities: ["EC2"] };
}
