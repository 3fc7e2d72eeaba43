import { isFargateCapacity, serviceCapacity } from "./capacity/launch-capacity.js";
import type { OfferedLaunchType } from "./launch-type.js";
import type { ServiceRecord } from "./service.js";

/*
 * How a cluster counts its services that are not INACTIVE: by status and launch type, so that
 * DescribeClusters can say how many are ACTIVE in all (`activeServicesCount`) and, in its
 * statistics, how many are ACTIVE and DRAINING on EC2 capacity and on Fargate's.
 */

/** What of a service decides where it is counted. */
type Counted = Pick<ServiceRecord, "status" | "launchType" | "capacityProviderStrategy">;

/**
 * The launch type a service's tasks get (domain/launch.ts, domain/new-task.ts): FARGATE for the
 * FARGATE launch type or a strategy of FARGATE / FARGATE_SPOT, EC2 for the EC2 launch type or a
 * strategy of Auto Scaling group providers (a strategy never mixes the two: capacity/strategy.ts).
 */
export const serviceLaunchType = (s: Omit<Counted, "status">): OfferedLaunchType => (isFargateCapacity(serviceCapacity(s)) ? "FARGATE" : "EC2");

/** The key a service is counted under: its status and its launch type. */
export const serviceCountKey = (s: Counted): string => countKey(s.status, serviceLaunchType(s));

const countKey = (status: string, launchType: string): string => `${status} ${launchType}`;

/** The ACTIVE and DRAINING services of one launch type, from counts by `serviceCountKey`. */
export function activeAndDraining(counts: ReadonlyMap<string, number>, launchType: "EC2" | "FARGATE"): { readonly active: number; readonly draining: number } {
  return { active: counts.get(countKey("ACTIVE", launchType)) ?? 0, draining: counts.get(countKey("DRAINING", launchType)) ?? 0 };
}

/**
 * ECS's `activeServicesCount`: the ACTIVE services of every launch type, summed over the keys, so
 * that a launch type the statistics do not name (ECS's EXTERNAL, which Berth does not offer yet)
 * would be counted here and in no statistic, as ECS counts it.
 */
export function activeServices(counts: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const [key, count] of counts) if (key.startsWith(countKey("ACTIVE", ""))) n += count;
  return n;
}
