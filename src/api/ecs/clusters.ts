import type { Cluster, ClusterField, CreateClusterRequest, DeleteClusterRequest, DescribeClustersRequest, Failure, ListClustersRequest, UpdateClusterRequest, UpdateClusterSettingsRequest } from "@aws-sdk/client-ecs";
import { CreateClusterRequest$, DeleteClusterRequest$, DescribeClustersRequest$, ListClustersRequest$, UpdateClusterRequest$, UpdateClusterSettingsRequest$ } from "../../aws-sdk/ecs.js";
import { clusterArn, clusterName } from "../../domain/arn.js";
import { defaultClusterSettings, mergeClusterSettings, validateClusterName } from "../../domain/cluster.js";
import { validateTags } from "../../domain/tags.js";
import { AwsError, invalidParameter } from "../../errors/catalog.js";
import type { ClusterRecord } from "../../domain/cluster.js";
import { operation, type Operation } from "../aws-json/service.js";
import { encodeToken, pageRequest } from "../pagination.js";
import { accountSettingInEffect } from "./account-settings.js";
import type { EcsDeps } from "./deps.js";
import { activeCluster } from "../../domain/lookups.js";
import { excerpt } from "../../observability/excerpt.js";
import { checkClusterCapacity } from "./cluster-capacity.js";
import { countServices, toCluster } from "./cluster-view.js";

const clusterFields: readonly ClusterField[] = ["ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS"];

export function clusterOperations({ store, counts }: EcsDeps): Record<string, Operation> {
  return {
    CreateCluster: operation<CreateClusterRequest>(CreateClusterRequest$, async (input, ctx) => {
      const name = validateClusterName(input.clusterName ?? "default");
      const tags = validateTags(input.tags ?? []);
      // The account setting containerInsights is the default of new clusters, as in ECS.
      const insights = await store.read((tx) => accountSettingInEffect(tx, "containerInsights", ctx));
      const requestedSettings = mergeClusterSettings(defaultClusterSettings, [{ name: "containerInsights", value: insights }, ...(input.settings ?? [])]);
      const cluster = await store.write(async (tx) => {
        const existing = await tx.clusters.get(name);
        // CreateCluster is idempotent: an ACTIVE cluster of that name is returned as it is.
        if (existing?.status === "ACTIVE") return existing;
        const capacity = await checkClusterCapacity(tx, name, input.capacityProviders ?? [], input.defaultCapacityProviderStrategy ?? []);
        const created: ClusterRecord = {
          name,
          arn: clusterArn(ctx.partition, name),
          status: "ACTIVE",
          settings: requestedSettings,
          configuration: input.configuration,
          serviceConnectDefaults: serviceConnectDefaults(input.serviceConnectDefaults),
          ...capacity,
          createdAtMs: ctx.nowMs,
          // An INACTIVE cluster of that name is re-created over its row, so its count goes on.
          version: (existing?.version ?? 0) + 1,
        };
        await tx.clusters.put(created);
        await tx.tags.put(created.arn, tags);
        return created;
      });
      return { cluster: await store.read((tx) => toCluster(tx, cluster, new Set<ClusterField>(["SETTINGS", "TAGS"]))) };
    }),

    DescribeClusters: operation<DescribeClustersRequest>(DescribeClustersRequest$, async (input, ctx) => {
      const refs = input.clusters ?? ["default"];
      if (refs.length > 100) throw invalidParameter(`DescribeClusters takes at most 100 clusters; got ${refs.length}.`);
      const include = checkInclude(input.include ?? []);
      return store.read(async (tx) => {
        const clusters: Cluster[] = [];
        const failures: Failure[] = [];
        for (const ref of refs) {
          const record = await tx.clusters.get(clusterName(ref));
          if (record) clusters.push(await toCluster(tx, record, include, counts));
          // ECS names a missing cluster by its full ARN, however the request named it.
          else failures.push({ arn: clusterArn(ctx.partition, clusterName(ref)), reason: "MISSING" });
        }
        return { clusters, failures };
      });
    }),

    ListClusters: operation<ListClustersRequest>(ListClustersRequest$, async (input) => {
      const page = await store.read((tx) => tx.clusters.list({ ...pageRequest(input), status: "ACTIVE" }));
      return { clusterArns: page.items.map((c) => c.arn), nextToken: encodeToken(page.nextAfter) };
    }),

    DeleteCluster: operation<DeleteClusterRequest>(DeleteClusterRequest$, async (input) => {
      const cluster = await store.write(async (tx) => {
        const record = await activeCluster(tx, input.cluster);
        if ((await tx.containerInstances.countRegistered(record.name)) > 0) {
          throw new AwsError("ClusterContainsContainerInstancesException", "The Cluster cannot be deleted while Container Instances are active or draining.");
        }
        if ((await countServices(tx, record.name)).size > 0) {
          throw new AwsError("ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active.");
        }
        const holding = await tx.tasks.countByStatus(record.name);
        if ([...holding.values()].some((n) => n > 0)) {
          throw new AwsError("ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.");
        }
        const inactive: ClusterRecord = { ...record, status: "INACTIVE", version: record.version + 1 };
        await tx.clusters.put(inactive);
        return inactive;
      });
      return { cluster: await store.read((tx) => toCluster(tx, cluster, new Set<ClusterField>(["SETTINGS"]))) };
    }),

    UpdateCluster: operation<UpdateClusterRequest>(UpdateClusterRequest$, async (input) => {
      const cluster = await store.write(async (tx) => {
        const record = await activeCluster(tx, input.cluster);
        const updated: ClusterRecord = {
          ...record,
          settings: mergeClusterSettings(record.settings, input.settings ?? []),
          configuration: input.configuration ?? record.configuration,
          serviceConnectDefaults: serviceConnectDefaults(input.serviceConnectDefaults) ?? record.serviceConnectDefaults,
          version: record.version + 1,
        };
        await tx.clusters.put(updated);
        return updated;
      });
      return { cluster: await store.read((tx) => toCluster(tx, cluster, new Set<ClusterField>(["SETTINGS", "CONFIGURATIONS"]))) };
    }),

    UpdateClusterSettings: operation<UpdateClusterSettingsRequest>(UpdateClusterSettingsRequest$, async (input) => {
      const cluster = await store.write(async (tx) => {
        const record = await activeCluster(tx, input.cluster);
        const updated: ClusterRecord = { ...record, settings: mergeClusterSettings(record.settings, input.settings ?? []), version: record.version + 1 };
        await tx.clusters.put(updated);
        return updated;
      });
      return { cluster: await store.read((tx) => toCluster(tx, cluster, new Set<ClusterField>(["SETTINGS"]))) };
    }),
  };
}

/**
 * `serviceConnectDefaults{namespace}`: the Cloud Map namespace (name or ARN) new Service Connect
 * services use. Berth has no Cloud Map: it keeps the namespace as given and returns it.
 */
function serviceConnectDefaults(given: { namespace?: string | undefined } | undefined): { namespace: string } | undefined {
  if (given === undefined) return undefined;
  const namespace = given.namespace ?? "";
  if (namespace.length < 1 || namespace.length > 1024) throw invalidParameter("serviceConnectDefaults.namespace must name a namespace (1 to 1024 characters).");
  return { namespace };
}

function checkInclude(include: readonly string[]): Set<ClusterField> {
  const fields = new Set<ClusterField>();
  for (const f of include) {
    const field = clusterFields.find((c) => c === f);
    if (!field) throw invalidParameter(`include must contain only ${clusterFields.join(", ")}; got '${excerpt(f)}'.`);
    fields.add(field);
  }
  return fields;
}
