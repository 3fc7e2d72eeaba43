import type { PlacementStrategy } from "@aws-sdk/client-ecs";
import { invalidParameter } from "../errors/catalog.js";
import { excerpt } from "../observability/excerpt.js";
import { zoneAttribute } from "../scheduler/types.js";
import type { SchedulingStrategy } from "./service.js";

export type AzRebalancing = "ENABLED" | "DISABLED";

/**
 * Whether a service can be AZ rebalanced, as ECS decides: a REPLICA service of the ECS deployment
 * controller whose placement spreads across zones (no strategy, ECS's default for services, or a
 * first strategy of spread by `attribute:ecs.availability-zone`) and never binpacks.
 */
export function rebalancingCompatible(s: {
  readonly schedulingStrategy: SchedulingStrategy;
  readonly deploymentController?: "ECS" | "EXTERNAL" | undefined;
  readonly placementStrategy: readonly PlacementStrategy[];
}): boolean {
  const [first] = s.placementStrategy;
  const spreadsZones = first === undefined || (first.type === "spread" && first.field === `attribute:${zoneAttribute}`);
  return s.schedulingStrategy === "REPLICA" && s.deploymentController !== "EXTERNAL" && spreadsZones && !s.placementStrategy.some((p) => p.type === "binpack");
}

/**
 * CreateService's and UpdateService's `availabilityZoneRebalancing`: on create ENABLED by default
 * when the service can be rebalanced (DISABLED otherwise), on update the service's own value (DISABLED
 * once an update made it one that cannot be). ENABLED asked of a service that cannot be rebalanced
 * is refused, saying why, rather than ignored.
 */
export function azRebalancing(
  given: string | undefined,
  current: AzRebalancing | undefined,
  service: Parameters<typeof rebalancingCompatible>[0],
  creating: boolean,
): AzRebalancing {
  if (given !== undefined && given !== "ENABLED" && given !== "DISABLED") {
    throw invalidParameter(`availabilityZoneRebalancing must be ENABLED or DISABLED; got '${excerpt(given)}'.`);
  }
  const compatible = rebalancingCompatible(service);
  if (given === "ENABLED" && !compatible) {
    throw invalidParameter(
      "availabilityZoneRebalancing ENABLED needs a REPLICA service of the ECS deployment controller whose placement spreads across Availability Zones first (spread by attribute:ecs.availability-zone, or no strategy) and does not binpack.",
    );
  }
  if (given !== undefined) return given;
  return compatible && (creating || current === "ENABLED") ? "ENABLED" : "DISABLED";
}
