import type { CapacityProviderStrategyItem } from "@aws-sdk/client-ecs";
import { invalidParameter } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { ClusterRecord } from "../cluster.js";
import { checkLaunchType } from "../launch-type.js";
import { isFargateProvider } from "./capacity-provider.js";
import { checkStrategy, type StrategyItem } from "./strategy.js";

/**
 * The capacity a RunTask or CreateService asks for, as ECS decides it: a launch type, or a
 * capacity provider strategy (the request's, else the cluster's default one), never both. Berth
 * runs EC2 capacity only: a strategy naming Fargate's providers is refused, never run on EC2.
 */
export type LaunchCapacity = { readonly kind: "launch-type" } | { readonly kind: "strategy"; readonly strategy: readonly StrategyItem[] };

export function launchCapacity(
  cluster: ClusterRecord,
  request: { readonly launchType?: string | undefined; readonly capacityProviderStrategy?: readonly CapacityProviderStrategyItem[] | undefined },
): LaunchCapacity {
  const requested = request.capacityProviderStrategy ?? [];
  if (request.launchType !== undefined && requested.length > 0) {
    throw invalidParameter("Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.");
  }
  if (request.launchType !== undefined) {
    checkLaunchType(request.launchType);
    return { kind: "launch-type" };
  }
  const strategy = requested.length > 0 ? checkStrategy(requested) : checkStrategy(cluster.defaultCapacityProviderStrategy ?? []);
  if (strategy.length === 0) return { kind: "launch-type" };
  const associated = new Set(cluster.capacityProviders ?? []);
  for (const { provider } of strategy) {
    if (!associated.has(provider)) {
      throw invalidParameter(
        "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.",
      );
    }
    if (isFargateProvider(provider)) {
      throw invalidParameter(
        `Capacity provider ${excerpt(provider)} is not available in Berth yet: Fargate tasks are planned. Use a capacity provider of your own (an Auto Scaling group provider runs tasks on the cluster's container instances) or the EC2 launch type.`,
      );
    }
  }
  return { kind: "strategy", strategy };
}
