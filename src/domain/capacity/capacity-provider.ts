import type { AutoScalingGroupProvider, CapacityProviderStatus, CapacityProviderUpdateStatus } from "@aws-sdk/client-ecs";
import { clientException } from "../../errors/catalog.js";

/**
 * Capacity providers as Berth keeps them. ECS has three kinds: Fargate's two, built into every
 * account (FARGATE, FARGATE_SPOT: never created, never stored), EC2 Auto Scaling group providers
 * (CreateCapacityProvider with `autoScalingGroupProvider`) and ECS Managed Instances providers.
 *
 * Berth has no Auto Scaling groups: an Auto Scaling group provider is accepted and stored as given,
 * its `autoScalingGroupArn` names nothing Berth can scale, and managed scaling, termination
 * protection and draining are kept and returned but not acted on. Tasks placed through such a
 * provider run on the cluster's registered container instances, like EC2 tasks, and carry the
 * provider's name (`capacityProviderName`).
 */
export type CapacityProviderKind = "EC2_AUTOSCALING" | "FARGATE" | "FARGATE_SPOT";

export interface CapacityProviderRecord {
  readonly name: string;
  readonly arn: string;
  readonly status: CapacityProviderStatus;
  readonly autoScalingGroupProvider: AutoScalingGroupProvider;
  readonly updateStatus?: CapacityProviderUpdateStatus | undefined;
  readonly updateStatusReason?: string | undefined;
  readonly createdAtMs: number;
  /** Bumped by every save; a save over another version is refused (two writers never both win). */
  readonly version: number;
}

/** The providers of every account and cluster, in the order ECS lists them. */
export const fargateProviders = ["FARGATE", "FARGATE_SPOT"] as const;
export type FargateProvider = (typeof fargateProviders)[number];

export const isFargateProvider = (name: string): name is FargateProvider => fargateProviders.some((p) => p === name);

/** ECS's rule for the names of providers one creates (and its sentence when one breaks it). */
export function checkProviderName(name: string): string {
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(name) || /^(aws|ecs|fargate)/i.test(name)) {
    throw clientException(
      'The specified capacity provider name is invalid. Up to 255 characters are allowed, including letters (upper and lowercase), numbers, underscores, and hyphens. The name cannot be prefixed with "aws", "ecs", or "fargate". Specify a valid name and try again.',
    );
  }
  return name;
}

/** The settings ECS fills in when CreateCapacityProvider leaves them out. */
export const managedScalingDefaults = {
  status: "DISABLED",
  targetCapacity: 100,
  minimumScalingStepSize: 1,
  maximumScalingStepSize: 10_000,
  instanceWarmupPeriod: 300,
} as const;
