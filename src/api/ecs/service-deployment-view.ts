import type { ServiceDeployment, ServiceDeploymentBrief, ServiceRevision, ServiceRevisionSummary } from "@aws-sdk/client-ecs";
import type { Partition } from "../../domain/arn.js";
import { circuitBreakerThreshold, type ServiceRecord } from "../../domain/service.js";
import { deploymentConfigurationView } from "./service-view.js";
import {
  serviceDeploymentArn,
  serviceRevisionArn,
  type RevisionRef,
  type ServiceDeploymentRecord,
  type ServiceRevisionRecord,
} from "../../domain/service-deployment.js";

const date = (ms: number | undefined): Date | undefined => (ms === undefined ? undefined : new Date(ms));

/** The ECS shapes of a service's deployments and revisions (ListServiceDeployments, Describe…). */
export function serviceDeploymentViews(p: Partition, s: ServiceRecord) {
  const arnOf = (h: ServiceDeploymentRecord) => serviceDeploymentArn(p, s.cluster, s.name, h.id);
  const revisionArnOf = (id: string) => serviceRevisionArn(p, s.cluster, s.name, id);
  // Counts come from the service's deployments while they have tasks; a drained deployment's are 0.
  const summary = (ref: RevisionRef, requested?: number): ServiceRevisionSummary => {
    const d = s.deployments.find((x) => x.id === ref.deploymentId);
    return {
      arn: revisionArnOf(ref.revisionId),
      requestedTaskCount: requested ?? d?.desiredCount ?? 0,
      runningTaskCount: d?.runningCount ?? 0,
      pendingTaskCount: d?.pendingCount ?? 0,
    };
  };

  return {
    arnOf,
    brief: (h: ServiceDeploymentRecord): ServiceDeploymentBrief => ({
      serviceDeploymentArn: arnOf(h),
      serviceArn: s.arn,
      clusterArn: s.clusterArn,
      createdAt: date(h.createdAtMs),
      startedAt: date(h.createdAtMs),
      finishedAt: date(h.finishedAtMs ?? h.stoppedAtMs),
      targetServiceRevisionArn: revisionArnOf(h.targetRevisionId),
      status: h.status,
      statusReason: h.statusReason,
    }),
    full: (h: ServiceDeploymentRecord): ServiceDeployment => {
      const { circuitBreaker } = h.deploymentConfiguration;
      const watch = h.alarmWatch;
      const target = s.deployments.find((d) => d.id === h.deploymentId);
      return {
        serviceDeploymentArn: arnOf(h),
        serviceArn: s.arn,
        clusterArn: s.clusterArn,
        createdAt: date(h.createdAtMs),
        startedAt: date(h.createdAtMs),
        finishedAt: date(h.finishedAtMs),
        stoppedAt: date(h.stoppedAtMs),
        updatedAt: date(h.updatedAtMs),
        sourceServiceRevisions: h.sources.map((r) => summary(r)),
        targetServiceRevision: summary({ revisionId: h.targetRevisionId, deploymentId: h.deploymentId }),
        status: h.status,
        statusReason: h.statusReason,
        deploymentConfiguration: deploymentConfigurationView(h.deploymentConfiguration),
        ...(h.lifecycleStage !== undefined && { lifecycleStage: h.lifecycleStage }),
        ...(h.rollback ? { rollback: { reason: h.rollback.reason, startedAt: date(h.rollback.startedAtMs), serviceRevisionArn: revisionArnOf(h.rollback.revisionId) } } : {}),
        deploymentCircuitBreaker: circuitBreaker.enable
          ? { status: h.circuitBreakerTriggered === true ? "TRIGGERED" : "MONITORING", failureCount: target?.failedTasks ?? 0, threshold: circuitBreakerThreshold(s.desiredCount, circuitBreaker.threshold) }
          : { status: "DISABLED" },
        alarms:
          watch === undefined
            ? { status: "DISABLED" }
            : { status: watch.status, alarmNames: [...watch.alarmNames], ...(watch.triggered !== undefined && { triggeredAlarmNames: [...watch.triggered] }) },
      };
    },
    revision: (r: ServiceRevisionRecord): ServiceRevision => ({
      serviceRevisionArn: revisionArnOf(r.id),
      serviceArn: s.arn,
      clusterArn: s.clusterArn,
      taskDefinition: r.taskDefinitionArn,
      // ECS shows a capacity provider strategy or a launch type, never both.
      ...(r.capacityProviderStrategy === undefined ? { launchType: s.launchType } : { capacityProviderStrategy: r.capacityProviderStrategy.map((i) => ({ ...i })) }),
      loadBalancers: (r.loadBalancers ?? []).map((lb) => ({ ...lb, ...(lb.advancedConfiguration && { advancedConfiguration: { ...lb.advancedConfiguration } }) })),
      serviceRegistries: [],
      networkConfiguration: r.networkConfiguration,
      containerImages: (r.containerImages ?? []).map((c) => ({ ...c })),
      ...(r.resolvedLoadBalancers !== undefined && { resolvedConfiguration: { loadBalancers: r.resolvedLoadBalancers.map((lb) => ({ ...lb })) } }),
      guardDutyEnabled: false,
      createdAt: date(r.createdAtMs),
    }),
  };
}
