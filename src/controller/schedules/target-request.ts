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
  const awsvpc = ecs?.NetworkConfiguration?.awsvpcConfiguration;
  return ecsRun(target.Arn, ecs, overrides, {
    startedBy: startedBy(ruleName),
    tags: ecs?.Tags?.map((t) => ({ key: t.Key, value: t.Value })),
    ...(awsvpc && { networkConfiguration: { awsvpcConfiguration: { subnets: awsvpc.Subnets, securityGroups: awsvpc.SecurityGroups, assignPublicIp: awsvpc.AssignPublicIp } } }),
  });
}

/** `events-rule/<rule name>`, within what ECS accepts as startedBy (128 of `A-Za-z0-9_/-`: a rule name's dots become underscores). */
export function startedBy(ruleName: string): string {
  return `events-rule/${ruleName.replace(/\./g, "_")}`.slice(0, 128);
}

/**
 * An EventBridge Scheduler schedule's ECS target as the RunTask it stands for, started by
 * `scheduler/<group>/<name>`. Scheduler's EcsParameters name ECS's members as ECS does, except its
 * tags (a list of one-entry maps); its NetworkConfiguration is stored but not passed on yet.
 */
export function scheduleTargetRun(group: string, name: string, target: SchedulerTarget, overrides: TaskOverride | undefined): TargetRun {
  const ecs = target.EcsParameters;
  return ecsRun(target.Arn, ecs, overrides, {
    startedBy: `scheduler/${group}/${name}`.replace(/\./g, "_").slice(0, 128),
    tags: ecs?.Tags?.flatMap((m) => Object.entries(m).map(([key, value]) => ({ key, value }))),
  });
}

/** The EcsParameters members EventBridge and Scheduler both name as RunTask does. */
type SharedEcsParameters = Pick<NonNullable<Target["EcsParameters"]>, "TaskCount" | "TaskDefinitionArn" | "Group" | "PlacementConstraints" | "PlacementStrategy" | "PropagateTags" | "EnableECSManagedTags" | "ReferenceId" | "PlatformVersion" | "CapacityProviderStrategy"> & {
  readonly LaunchType?: string | undefined;
};

/** The RunTask a target stands for: its shared members as they are, and what differs between the two services given by the caller. */
function ecsRun(cluster: string | undefined, ecs: SharedEcsParameters | undefined, overrides: TaskOverride | undefined, own: Pick<StandaloneRequest, "startedBy" | "tags" | "networkConfiguration">): TargetRun {
  return {
    count: ecs?.TaskCount ?? 1,
    request: {
      cluster,
      taskDefinition: ecs?.TaskDefinitionArn,
      overrides,
      group: ecs?.Group,
      placementConstraints: ecs?.PlacementConstraints,
      placementStrategy: ecs?.PlacementStrategy,
      propagateTags: ecs?.PropagateTags,
      enableECSManagedTags: ecs?.EnableECSManagedTags,
      referenceId: ecs?.ReferenceId,
      launchType: ecs?.LaunchType,
      platformVersion: ecs?.PlatformVersion,
      capacityProviderStrategy: ecs?.CapacityProviderStrategy,
      ...own,
    },
  };
}
