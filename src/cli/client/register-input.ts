import type { RegisterTaskDefinitionCommandInput, Tag, TaskDefinition } from "@aws-sdk/client-ecs";

/**
 * The RegisterTaskDefinition input that registers `td` again, with `containerDefinitions` as
 * given: every field a user can register, none of the ones ECS fills in (ARN, revision, status,
 * compatibilities, requiresAttributes, registration times).
 */
export function registrationOf(td: TaskDefinition, tags: readonly Tag[] | undefined, containerDefinitions = td.containerDefinitions): RegisterTaskDefinitionCommandInput {
  // Members left undefined are not sent.
  return {
    family: td.family,
    taskRoleArn: td.taskRoleArn,
    executionRoleArn: td.executionRoleArn,
    networkMode: td.networkMode,
    containerDefinitions,
    volumes: td.volumes,
    placementConstraints: td.placementConstraints,
    requiresCompatibilities: td.requiresCompatibilities,
    cpu: td.cpu,
    memory: td.memory,
    pidMode: td.pidMode,
    ipcMode: td.ipcMode,
    proxyConfiguration: td.proxyConfiguration,
    inferenceAccelerators: td.inferenceAccelerators,
    ephemeralStorage: td.ephemeralStorage,
    runtimePlatform: td.runtimePlatform,
    enableFaultInjection: td.enableFaultInjection,
    tags: tags !== undefined && tags.length > 0 ? [...tags] : undefined,
  };
}
