/**
 * The numeric and size limits of CreateService and UpdateService, as ECS documents them. Each check
 * throws InvalidParameterException, the exception ECS uses for service parameters, with ECS's own
 * sentence where one has been seen in a real response (marked `ECS:`) and ours otherwise.
 *
 * Sources: the API reference (botocore `ecs/2014-11-13` documentation strings and shape ranges at
 * 0e6e240) and the service quotas page.
 */
import type { CapacityProviderStrategyItem } from "@aws-sdk/client-ecs";
import { invalidParameter } from "../errors/catalog.js";
import type { SchedulingStrategy } from "./service.js";

export const serviceLimits = {
  /**
   * ECS's "Tasks per service" quota (5,000, not adjustable). The API reference gives desiredCount no
   * bound of its own, so the quota is the bound: a service cannot run more tasks than this.
   */
  maxDesiredCount: 5000,
  /** healthCheckGracePeriodSeconds is an Integer; older API references gave "up to 2,147,483,647 seconds". */
  maxGracePeriodSeconds: 2_147_483_647,
  /** API reference, CreateService `capacityProviderStrategy`: "a maximum of 20 capacity providers". */
  maxCapacityProviders: 20,
  /** Model ranges of CapacityProviderStrategyItemBase and CapacityProviderStrategyItemWeight. */
  capacityProviderBase: { min: 0, max: 100_000 },
  capacityProviderWeight: { min: 0, max: 1000 },
  /** API reference, CreateService `clientToken`: "Up to 36 ASCII characters in the range of 33-126". */
  maxClientToken: 36,
} as const;

/**
 * A REPLICA service's desired count, or nothing for a DAEMON one (which must not set it).
 * `desiredCount` is undefined when the request leaves it out.
 */
export function checkDesiredCount(strategy: SchedulingStrategy, desiredCount: number | undefined): void {
  if (desiredCount === undefined) return;
  if (strategy === "DAEMON") {
    // ECS: verbatim (kayac/ecspresso#20, fabfuel/ecs-deploy#59).
    throw invalidParameter("The daemon scheduling strategy does not support a desired count for services. Remove the desired count value and try again");
  }
  const max = serviceLimits.maxDesiredCount;
  if (!Number.isInteger(desiredCount) || desiredCount < 0 || desiredCount > max) {
    throw invalidParameter(
      `Invalid desiredCount ${desiredCount}: a service's desired count must be a whole number from 0 to ${max} (the Amazon ECS quota of tasks per service).`,
    );
  }
}

export function checkGracePeriod(seconds: number): number {
  const max = serviceLimits.maxGracePeriodSeconds;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > max) {
    throw invalidParameter(`Invalid healthCheckGracePeriodSeconds ${seconds}: use a whole number of seconds from 0 to ${max}.`);
  }
  return seconds;
}

/** ECS's deployment percents: 0 ≤ minimumHealthyPercent ≤ 100 ≤ maximumPercent, and a DAEMON service's maximum is 100. */
export function checkDeploymentPercents(strategy: SchedulingStrategy, min: number, max: number): void {
  if (!Number.isInteger(min) || min < 0 || min > 100) {
    throw invalidParameter(`Invalid minimumHealthyPercent ${min}: use a whole number from 0 to 100.`);
  }
  if (!Number.isInteger(max) || max < 100) throw invalidParameter(`Invalid maximumPercent ${max}: use a whole number of 100 or more.`);
  if (strategy === "DAEMON" && max !== 100) {
    // ECS: verbatim (hashicorp/terraform-provider-aws#4825).
    throw invalidParameter(
      "The daemon scheduling strategy does not support values above 100 for maximumPercent on a deployment configuration. Change the maximumPercent value to 100, and try again",
    );
  }
}

export function checkCapacityProviderStrategy(items: readonly CapacityProviderStrategyItem[]): void {
  const { maxCapacityProviders, capacityProviderBase: base, capacityProviderWeight: weight } = serviceLimits;
  if (items.length > maxCapacityProviders) {
    throw invalidParameter(`capacityProviderStrategy can have at most ${maxCapacityProviders} items; got ${items.length}.`);
  }
  for (const item of items) {
    const name = item.capacityProvider ?? "";
    // CreateCapacityProvider's rule for names: up to 255 letters, numbers, underscores and hyphens.
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
      throw invalidParameter(`Invalid capacity provider name '${name.slice(0, 64)}': use 1 to 255 letters, numbers, underscores and hyphens.`);
    }
    if (item.base !== undefined && (item.base < base.min || item.base > base.max)) {
      throw invalidParameter(`Invalid base ${item.base} for capacity provider '${name}': use ${base.min} to ${base.max}.`);
    }
    if (item.weight !== undefined && (item.weight < weight.min || item.weight > weight.max)) {
      throw invalidParameter(`Invalid weight ${item.weight} for capacity provider '${name}': use ${weight.min} to ${weight.max}.`);
    }
  }
}

export function checkClientToken(token: string | undefined): void {
  if (token === undefined) return;
  const max = serviceLimits.maxClientToken;
  if (token.length < 1 || token.length > max || !/^[\x21-\x7e]+$/.test(token)) {
    throw invalidParameter(`Invalid clientToken: use 1 to ${max} ASCII characters from '!' to '~' (codes 33 to 126), without spaces.`);
  }
}
