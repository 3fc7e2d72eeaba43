import type { CapacityProviderStrategyItem } from "@aws-sdk/client-ecs";
import { invalidParameter } from "../../errors/catalog.js";
import type { ClusterRecord } from "../cluster.js";
import { checkLaunchType, type OfferedLaunchType } from "../launch-type.js";
import type { ServiceRecord } from "../service.js";
import type { TaskSetRecord } from "../task-set.js";
import { isFargateProvider } from "./capacity-provider.js";
import { checkStrategy, type StrategyItem } from "./strategy.js";

/**
 * The capacity a RunTask or CreateService asks for, as ECS decides it: a launch type, or a
 * capacity provider strategy (the request's, else the cluster's default one), never both. A
 * strategy names Fargate's providers only or none of them (`checkStrategy`); Fargate's run on the
 * managed pool (domain/fargate/), never on the cluster's instances.
 */
export type LaunchCapacity =
  | { readonly kind: "launch-type"; readonly launchType: OfferedLaunchType }
  | { readonly kind: "strategy"; readonly strategy: readonly StrategyItem[] };

/** Whether the capacity is Fargate's (the FARGATE launch type, or a strategy of FARGATE / FARGATE_SPOT). */
export const isFargateCapacity = (c: LaunchCapacity): boolean =>
  c.kind === "launch-type" ? c.launchType === "FARGATE" : c.strategy.some((i) => isFargateProvider(i.provider));

/**
 * The capacity a service's tasks launch through, as the service keeps it: its strategy (checked
 * when it was set), else its launch type. One rule for its tasks (domain/launch.ts), its updates
 * and its cluster's statistics (domain/service-counts.ts).
 */
export const serviceCapacity = (s: Pick<ServiceRecord, "launchType" | "capacityProviderStrategy">): LaunchCapacity =>
  s.capacityProviderStrategy === undefined ? { kind: "launch-type", launchType: s.launchType } : { kind: "strategy", strategy: checkStrategy(s.capacityProviderStrategy) };

/** Where a set's tasks run: its own launch type or strategy; the service's for sets recorded before they kept their own. */
export const setCapacity = (s: Pick<ServiceRecord, "launchType" | "capacityProviderStrategy">, t: TaskSetRecord): LaunchCapacity =>
  t.launchType === undefined && t.capacityProviderStrategy === undefined ? serviceCapacity(s) : serviceCapacity({ launchType: t.launchType ?? "EC2", capacityProviderStrategy: t.capacityProviderStrategy });

export function launchCapacity(
  cluster: ClusterRecord,
  request: { readonly launchType?: string | undefined; readonly capacityProviderStrategy?: readonly CapacityProviderStrategyItem[] | undefined },
): LaunchCapacity {
  const requested = request.capacityProviderStrategy ?? [];
  if (request.launchType !== undefined && requested.length > 0) {
    throw invalidParameter("Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.");
  }
  if (request.launchType !== undefined) return { kind: "launch-type", launchType: checkLaunchType(request.launchType) };
  const strategy = requested.length > 0 ? checkStrategy(requested) : checkStrategy(cluster.defaultCapacityProviderStrategy ?? []);
  if (strategy.length === 0) return { kind: "launch-type", launchType: "EC2" };
  const associated = new Set(cluster.capacityProviders ?? []);
  for (const { provider } of strategy) {
    if (!associated.has(provider)) {
      throw invalidParameter(
        "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.",
      );
    }
  }
  return { kind: "strategy", strategy };
}
