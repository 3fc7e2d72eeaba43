import type { Cluster, ClusterField } from "@aws-sdk/client-ecs";
import type { ClusterRecord } from "../../domain/cluster.js";
import { runningAndPending } from "../../domain/task-counts.js";
import type { ReadTx } from "../../state/store.js";

/** How many of a cluster's services are in one status. */
export async function countServices(tx: ReadTx, cluster: string, status: "ACTIVE" | "DRAINING"): Promise<number> {
  let n = 0;
  let after: string | undefined;
  do {
    const page = await tx.services.list(cluster, { limit: 1000, after, status });
    n += page.items.length;
    after = page.nextAfter;
  } while (after);
  return n;
}

/**
 * How a cluster's open tasks (by lastStatus) and services (by status) are counted: by scans of the
 * store (`scanCounts`), or from memory (cluster-counts.ts).
 */
export interface CountsByStatus {
  tasksByStatus(tx: ReadTx, cluster: string): Promise<ReadonlyMap<string, number>>;
  servicesByStatus(tx: ReadTx, cluster: string): Promise<ReadonlyMap<string, number>>;
}

export const scanCounts: CountsByStatus = {
  tasksByStatus: (tx, cluster) => tx.tasks.countByStatus(cluster),
  servicesByStatus: async (tx, cluster) => new Map([["ACTIVE", await countServices(tx, cluster, "ACTIVE")], ["DRAINING", await countServices(tx, cluster, "DRAINING")]]),
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
  const activeServices = services.get("ACTIVE") ?? 0;
  const ec2 = runningAndPending(byStatus, "EC2");
  const fargate = runningAndPending(byStatus, "FARGATE");
  const cluster: Cluster = {
    clusterArn: record.arn,
    clusterName: record.name,
    status: record.status,
    registeredContainerInstancesCount: await tx.containerInstances.countRegistered(record.name),
    runningTasksCount: ec2.running + fargate.running,
    pendingTasksCount: ec2.pending + fargate.pending,
    activeServicesCount: activeServices,
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
    cluster.statistics = [
      { name: "runningEC2TasksCount", value: String(ec2.running) },
      { name: "pendingEC2TasksCount", value: String(ec2.pending) },
      { name: "runningFargateTasksCount", value: String(fargate.running) },
      { name: "pendingFargateTasksCount", value: String(fargate.pending) },
      { name: "activeEC2ServiceCount", value: String(activeServices) },
      { name: "drainingEC2ServiceCount", value: String(services.get("DRAINING") ?? 0) },
    ];
  }
  return cluster;
}
