import type { CapacityProviderRecord } from "../domain/capacity/capacity-provider.js";

/**
 * The capacity providers one creates (migration 12): one document per name, INACTIVE ones kept
 * until the name is created again. Fargate's providers are built in, never stored.
 */
export interface CapacityProviderReader {
  get(name: string): Promise<CapacityProviderRecord | undefined>;
  /** Providers ordered by name, after `after`, at most `limit`. */
  list(q: { readonly after?: string | undefined; readonly limit: number }): Promise<{ readonly items: readonly CapacityProviderRecord[]; readonly nextAfter?: string | undefined }>;
  /** The provider using an Auto Scaling group (ECS allows one per group), ACTIVE ones only. */
  byAutoScalingGroup(arn: string): Promise<CapacityProviderRecord | undefined>;
}

export interface CapacityProviderRepository extends CapacityProviderReader {
  /** Saves version 1 as a new provider (or over an INACTIVE one's row), version n + 1 only over version n; else throws CapacityProviderConflictError. */
  put(record: CapacityProviderRecord): Promise<void>;
}

export class CapacityProviderConflictError extends Error {
  override readonly name = "CapacityProviderConflictError";
  constructor(readonly provider: string) {
    super(`capacity provider ${provider} was saved by another writer`);
  }
}
