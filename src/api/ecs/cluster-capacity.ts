import type { CapacityProviderStrategyItem } from "@aws-sdk/client-ecs";
import { isFargateProvider } from "../../domain/capacity/capacity-provider.js";
import { checkStrategy, providerName } from "../../domain/capacity/strategy.js";
import type { ClusterRecord } from "../../domain/cluster.js";
import { AwsError, invalidParameter } from "../../errors/catalog.js";
import type { ReadTx } from "../../state/store.js";

/** ECS's quota of capacity providers per cluster. */
export const maxProvidersPerCluster = 20;

/**
 * A cluster's capacity providers and default strategy as CreateCluster and
 * PutClusterCapacityProviders set them, checked as ECS checks them: each provider Fargate's or one
 * that exists and is ACTIVE, an Auto Scaling group provider in one cluster only, at most 20, and
 * the default strategy naming only providers of the list. Returns them by name.
 */
export async function checkClusterCapacity(
  tx: ReadTx,
  clusterName: string,
  providers: readonly string[],
  strategy: readonly CapacityProviderStrategyItem[],
): Promise<{ capacityProviders: string[]; defaultCapacityProviderStrategy: CapacityProviderStrategyItem[] }> {
  const names = [...new Set(providers.map(providerName))];
  if (names.length > maxProvidersPerCluster) throw invalidParameter("The maximum number of capacity providers per cluster has been exceeded.");
  for (const name of names) {
    if (isFargateProvider(name)) continue;
    const record = await tx.capacityProviders.get(name);
    if (!record || record.status !== "ACTIVE") throw invalidParameter("The specified capacity provider was not found. Specify a valid capacity provider and try again.");
    const elsewhere = await clusterUsing(tx, name, clusterName);
    if (elsewhere !== undefined) {
      throw invalidParameter(`The specified capacity provider ${name} is already associated with cluster ${elsewhere}. An Auto Scaling group capacity provider can be associated with one cluster only.`);
    }
  }
  const items = checkStrategy(strategy);
  if (items.some((i) => !names.includes(i.provider))) {
    throw invalidParameter(
      "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.",
    );
  }
  return {
    capacityProviders: names,
    defaultCapacityProviderStrategy: items.map((i) => ({ capacityProvider: i.provider, weight: i.weight, base: i.base })),
  };
}

/** The ACTIVE cluster other than `except` that has `provider`, if any. */
export async function clusterUsing(tx: ReadTx, provider: string, except?: string): Promise<string | undefined> {
  let after: string | undefined;
  do {
    const page = await tx.clusters.list({ limit: 100, after, status: "ACTIVE" });
    const found = page.items.find((c) => c.name !== except && (c.capacityProviders ?? []).includes(provider));
    if (found) return found.name;
    after = page.nextAfter;
  } while (after);
  return undefined;
}

/** PutClusterCapacityProviders may not drop a provider that a service's strategy or a running task still uses. */
export async function checkRemovals(tx: ReadTx, cluster: ClusterRecord, kept: readonly string[]): Promise<void> {
  const removed = (cluster.capacityProviders ?? []).filter((p) => !kept.includes(p));
  if (removed.length === 0) return;
  const inUse = () => new AwsError("ResourceInUseException", "The specified capacity provider is in use and cannot be removed.");
  let after: string | undefined;
  do {
    const page = await tx.services.list(cluster.name, { limit: 100, after });
    const using = page.items.some((s) => s.status !== "INACTIVE" && (s.capacityProviderStrategy ?? []).some((i) => removed.includes(i.capacityProvider ?? "")));
    if (using) throw inUse();
    after = page.nextAfter;
  } while (after);
  after = undefined;
  do {
    const page = await tx.tasks.list({ cluster: cluster.name, desiredStatus: "RUNNING", limit: 500, after });
    if (page.items.some((t) => removed.includes(t.capacityProviderName ?? ""))) throw inUse();
    after = page.nextAfter;
  } while (after);
}
