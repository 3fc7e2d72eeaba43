import type { Cluster, ClusterField } from "@aws-sdk/client-ecs";
import type { ClusterRecord } from "../../domain/cluster.js";
import { activeAndDraining, activeServices, serviceCountKey } from "../../domain/service-counts.js";
import { runningAndPending } from "../../domain/task-counts.js";
import type { ReadTx } from "../../state/store.js";

/** A cluster's ACTIVE and DRAINING services, counted by `serviceCountKey` (status and launch type), from a scan of the store. */
export async function countServices(tx: ReadTx, cluster: string): Promise<ReadonlyMap<string, number>> {
  const counts = new Map<string, number>();
  for (const status of ["ACTIVE", "DRAINING"] as const) {
    let after: string | undefined;
    do {
      const page = await tx.services.list(cluster, { limit: 1000, after, status });
      for (const key of page.items.map(serviceCountKey)) counts.set(key, (counts.get(key) ?? 0) + 1);
      after = page.nextAfter;
    } while (after);
  }
  return counts;
}

/**
 * How a cluster's open tasks (by lastStatus) and services (by status), each launch type apart, are
 * counted: by scans of the store (`scanCounts`), or from memory (cluster-counts.ts).
 */
export interface CountsByStatus {
  tasksByStatus(tx: ReadTx, cluster: string): Promise<ReadonlyMap<string, number>>;
  servicesByStatus(tx: ReadTx, cluster: string): Promise<ReadonlyMap<string, number>>;
}

export const scanCounts: CountsByStatus = {
  tasksByStatus: (tx, cluster) => tx.tasks.countByStatus(cluster),
  servicesByStatus: countServices,
};

/** The ECS shape of a cluster; counts are derived from the tasks, services and instances it holds. */
export async function toCluster(
  tx: ReadTx,
  record: ClusterRecord,
  include: ReadonlySet<ClusterField>,
  counts: CountsByStatus = scanCounts,
): Promise<Cluster> {
  const byStatus = await counts.tasksByStatus(tx, record.name);
  const services = await counts.servicesByStatus(tx, record.name);
  const ec2 = runningAndPending(byStatus, "EC2");
  const fargate = runningAndPending(byStatus, "FARGATE");
  const ec2Services = activeAndDraining(services, "EC2");
  const fargateServices = activeAndDraining(services, "FARGATE");
  const cluster: Cluster = {
    clusterArn: record.arn,
    clusterName: record.name,
    status: record.status,
    registeredContainerInstancesCount: await tx.containerInstances.countRegistered(record.name),
    runningTasksCount: ec2.running + fargate.running,
    pendingTasksCount: ec2.pending + fargate.pending,
    activeServicesCount: activeServices(services),
    statistics: [],
    tags: [],
    capacityProviders: [...(record.capacityProviders ?? [])],
    defaultCapacityProviderStrategy: (record.defaultCapacityProviderStrategy ?? []).map((i) => ({ ...i })),
  };
  if (record.serviceConnectDefaults) cluster.serviceConnectDefaults = { ...record.serviceConnectDefaults };
  if (include.has("SETTINGS")) cluster.settings = [...record.settings];
  if (include.has("CONFIGURATIONS") && record.configuration) cluster.configuration = record.configuration;
  if (include.has("TAGS")) cluster.tags = await tx.tags.list(record.arn);
  if (include.has("STATISTICS")) {
    // ECS's eight, in the order of the API reference (Cluster.statistics).
    cluster.statistics = [
      { name: "runningEC2TasksCount", value: String(ec2.running) },
      { name: "runningFargateTasksCount", value: String(fargate.running) },
      { name: "pendingEC2TasksCount", value: String(ec2.pending) },
      { name: "pendingFargateTasksCount", value: String(fargate.pending) },
      { name: "activeEC2ServiceCount", value: String(ec2Services.active) },
      { name: "activeFargateServiceCount", value: String(fargateServices.active) },
      { name: "drainingEC2ServiceCount", value: String(ec2Services.draining) },
      { name: "drainingFargateServiceCount", value: String(fargateServices.draining) },
    ];
  }
  return cluster;
}
