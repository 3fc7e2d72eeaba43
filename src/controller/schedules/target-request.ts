import type { Target } from "@aws-sdk/client-eventbridge";
import type { Target as SchedulerTarget } from "@aws-sdk/client-scheduler";
import type { TaskOverride } from "@aws-sdk/client-ecs";
import type { StandaloneRequest } from "../../domain/launch.js";

/** What RunTask would be asked for one ECS target of a rule: the request and the task count. */
export interface TargetRun {
  readonly request: StandaloneRequest;
  readonly count: number;
}

/**
 * An EventBridge ECS target as the RunTask it stands for, started by `events-rule/<rule>` as ECS
 * names the tasks EventBridge starts. EventBridge's shapes differ from ECS's in their tags' case
 * (`Key`/`Value`); placement constraints, strategies and capacity providers are the same shapes.
 * NetworkConfiguration (awsvpc) becomes RunTask's, its members renamed (`Subnets` → `subnets`).
 */
export function targetRun(ruleName: string, target: Target, overrides: TaskOverride | undefined): TargetRun {
  const ecs = target.EcsParameters;
  return {
    count: ecs?.TaskCount ?? 1,
    request: {
      cluster: target.Arn,
      taskDefinition: ecs?.TaskDefinitionArn,
      overrides,
      group: ecs?.Group,
      startedBy: startedBy(ruleName),
      tags: ecs?.Tags?.map((t) => ({ key: t.Key, value: t.Value })),
      placementConstraints: ecs?.PlacementConstraints,
      placementStrategy: ecs?.PlacementStrategy,
      propagateTags: ecs?.PropagateTags,
      enableECSManagedTags: ecs?.EnableECSManagedTags,
      referenceId: ecs?.ReferenceId,
      launchType: ecs?.LaunchType,
      platformVersion: ecs?.PlatformVersion,
      capacityProviderStrategy: ecs?.CapacityProviderStrategy,
      ...(ecs?.NetworkConfiguration?.awsvpcConfiguration && {
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: ecs.NetworkConfiguration.awsvpcConfiguration.Subnets,
            securityGroups: ecs.NetworkConfiguration.awsvpcConfiguration.SecurityGroups,
            assignPublicIp: ecs.NetworkConfiguration.awsvpcConfiguration.AssignPublicIp,
          },
        },
      }),
    },
  };
}

/** `events-rule/<rule name>`, within what ECS accepts as startedBy (128 of `A-Za-z0-9_/-`: a rule name's dots become underscores). */
export function startedBy(ruleName: string): string {
  return `events-rule/${ruleName.replace(/\./g, "_")}`.slice(0, 128);
}

/**
 * An EventBridge Scheduler schedule's ECS target as the RunTask it stands for, started by
 * `scheduler/<group>/<name>`. Scheduler's EcsParameters name ECS's members as ECS does, except its
 * tags (a list of one-entry maps); NetworkConfiguration is kept but not applied, as for rules.
 */
export function scheduleTargetRun(group: string, name: string, target: SchedulerTarget, overrides: TaskOverride | undefined): TargetRun {
  const ecs = target.EcsParameters;
  return {
    count: ecs?.TaskCount ?? 1,
    request: {
      cluster: target.Arn,
      taskDefinition: ecs?.TaskDefinitionArn,
      overrides,
      group: ecs?.Group,
      startedBy: `scheduler/${group}/${name}`.replace(/\./g, "_").slice(0, 128),
      tags: ecs?.Tags?.flatMap((m) => Object.entries(m).map(([key, value]) => ({ key, value }))),
      placementConstraints: ecs?.PlacementConstraints,
      placementStrategy: ecs?.PlacementStrategy,
      propagateTags: ecs?.PropagateTags,
      enableECSManagedTags: ecs?.EnableECSManagedTags,
      referenceId: ecs?.ReferenceId,
      launchType: ecs?.LaunchType,
      platformVersion: ecs?.PlatformVersion,
      capacityProviderStrategy: ecs?.CapacityProviderStrategy,
    },
  };
}
