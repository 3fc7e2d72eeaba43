import type { Deployment, DeploymentConfiguration, Service, ServiceEvent } from "@aws-sdk/client-ecs";
import type { DeploymentConfig, ServiceEventRecord, ServiceRecord } from "../../domain/service.js";
import { toTaskSet } from "./task-set-view.js";

const date = (ms: number): Date => new Date(ms);

/** The ECS shape of a service (DescribeServices, CreateService, UpdateService, DeleteService). */
export function toService(s: ServiceRecord, events: readonly ServiceEventRecord[], includeTags: boolean): Service {
  const deployments: Deployment[] = s.deployments.map((d) => ({
    id: d.id,
    status: d.status,
    taskDefinition: d.taskDefinitionArn,
    desiredCount: d.desiredCount,
    pendingCount: d.pendingCount,
    runningCount: d.runningCount,
    failedTasks: d.failedTasks,
    createdAt: date(d.createdAtMs),
    updatedAt: date(d.updatedAtMs),
    ...(s.capacityProviderStrategy === undefined ? { launchType: s.launchType } : { capacityProviderStrategy: s.capacityProviderStrategy.map((i) => ({ ...i })) }),
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
  }));
  return {
    serviceArn: s.arn,
    serviceName: s.name,
    clusterArn: s.clusterArn,
    // An EXTERNAL service shows its PRIMARY task set's, as ECS does.
    loadBalancers: (s.deploymentController === "EXTERNAL" ? (s.taskSets?.find((t) => t.status === "PRIMARY")?.loadBalancers ?? []) : (s.loadBalancers ?? [])).map((lb) => ({
      ...lb,
      ...(lb.advancedConfiguration && { advancedConfiguration: { ...lb.advancedConfiguration } }),
    })),
    serviceRegistries: [],
    status: s.status,
    desiredCount: s.desiredCount,
    runningCount: s.deployments.reduce((n, d) => n + d.runningCount, 0),
    pendingCount: s.deployments.reduce((n, d) => n + d.pendingCount, 0),
    // ECS shows a service's capacity provider strategy, or its launch type, never both.
    ...(s.capacityProviderStrategy === undefined ? { launchType: s.launchType } : { capacityProviderStrategy: s.capacityProviderStrategy.map((i) => ({ ...i })) }),
    taskDefinition: s.taskDefinitionArn === "" ? undefined : s.taskDefinitionArn,
    networkConfiguration: s.networkConfiguration,
    deploymentConfiguration: deploymentConfigurationView(s.deploymentConfiguration),
    deployments,
    events: events.map((e): ServiceEvent => ({ id: e.id, createdAt: date(e.createdAtMs), message: e.message })),
    createdAt: date(s.createdAtMs),
    createdBy: s.createdBy,
    roleArn: s.roleArn,
    placementConstraints: [...s.placementConstraints],
    placementStrategy: [...s.placementStrategy],
    healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds,
    schedulingStrategy: s.schedulingStrategy,
    deploymentController: { type: s.deploymentController ?? "ECS" },
    availabilityZoneRebalancing: s.availabilityZoneRebalancing ?? "DISABLED",
    ...(s.deploymentController === "EXTERNAL" ? { taskSets: (s.taskSets ?? []).map((t) => toTaskSet(s, t, includeTags)) } : {}),
    enableECSManagedTags: s.enableECSManagedTags,
    propagateTags: s.propagateTags === "SERVICE" || s.propagateTags === "TASK_DEFINITION" ? s.propagateTags : "NONE",
    enableExecuteCommand: false,
    ...(includeTags ? { tags: [...s.tags] } : {}),
  };
}

/** A service's (or a service deployment's) deployment configuration in ECS's shape. */
export function deploymentConfigurationView(c: DeploymentConfig): DeploymentConfiguration {
  const { circuitBreaker: cb, alarms } = c;
  return {
    deploymentCircuitBreaker: {
      enable: cb.enable,
      rollback: cb.rollback,
      ...(cb.resetOnHealthyTask !== undefined && { resetOnHealthyTask: cb.resetOnHealthyTask }),
      ...(cb.threshold !== undefined && { thresholdConfiguration: { ...cb.threshold } }),
    },
    maximumPercent: c.maximumPercent,
    minimumHealthyPercent: c.minimumHealthyPercent,
    ...(alarms !== undefined && { alarms: { alarmNames: [...alarms.alarmNames], enable: alarms.enable, rollback: alarms.rollback } }),
    ...(c.strategy !== undefined && { strategy: c.strategy }),
    ...(c.bakeTimeInMinutes !== undefined && { bakeTimeInMinutes: c.bakeTimeInMinutes }),
    ...(c.linear !== undefined && { linearConfiguration: { ...c.linear } }),
    ...(c.canary !== undefined && { canaryConfiguration: { ...c.canary } }),
    ...(c.earlySuccess !== undefined && {
      earlySuccessCriteria: { enable: true, healthyPercent: c.earlySuccess.healthyPercent, sourceServiceRevisionCleanup: c.earlySuccess.cleanup },
    }),
  };
}
