import type { TaskSet } from "@aws-sdk/client-ecs";
import type { ServiceRecord } from "../../domain/service.js";
import { isFargateCapacity, setCapacity } from "../../domain/capacity/launch-capacity.js";
import { fargatePlatformVersion } from "../../domain/fargate/fargate-launch.js";
import { computedDesiredCount, type TaskSetRecord } from "../../domain/task-set.js";

const date = (ms: number): Date => new Date(ms);

/** The ECS shape of a task set (CreateTaskSet, DescribeTaskSets, DescribeServices' `taskSets`). */
export function toTaskSet(s: ServiceRecord, t: TaskSetRecord, includeTags: boolean): TaskSet {
  return {
    id: t.id,
    taskSetArn: t.arn,
    serviceArn: s.arn,
    clusterArn: s.clusterArn,
    externalId: t.externalId,
    status: t.status,
    taskDefinition: t.taskDefinitionArn,
    computedDesiredCount: computedDesiredCount(s.desiredCount, t),
    pendingCount: t.pendingCount,
    runningCount: t.runningCount,
    createdAt: date(t.createdAtMs),
    updatedAt: date(t.updatedAtMs),
    ...(t.capacityProviderStrategy === undefined ? { launchType: t.launchType ?? s.launchType } : { capacityProviderStrategy: t.capacityProviderStrategy.map((i) => ({ ...i })) }),
    ...(isFargateCapacity(setCapacity(s, t)) && { platformVersion: fargatePlatformVersion, platformFamily: "Linux" }),
    loadBalancers: (t.loadBalancers ?? []).map((lb) => ({ ...lb })),
    ...(t.networkConfiguration && { networkConfiguration: t.networkConfiguration }),
    serviceRegistries: [],
    scale: { value: t.scalePercent, unit: "PERCENT" },
    stabilityStatus: t.stabilityStatus,
    stabilityStatusAt: date(t.stabilityStatusAtMs),
    ...(includeTags ? { tags: [...t.tags] } : {}),
  };
}
