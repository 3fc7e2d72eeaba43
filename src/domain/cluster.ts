import type { CapacityProviderStrategyItem, ClusterConfiguration, ClusterServiceConnectDefaults, ClusterSetting } from "@aws-sdk/client-ecs";
import { invalidParameter } from "../errors/catalog.js";
import { excerpt } from "../observability/excerpt.js";

const clusterNamePattern = /^[A-Za-z0-9_-]{1,255}$/;

export function validateClusterName(name: string): string {
  if (!clusterNamePattern.test(name)) {
    throw invalidParameter(
      `Cluster name '${name}' is not valid: use up to 255 letters (uppercase and lowercase), numbers, underscores and hyphens.`,
    );
  }
  return name;
}

const insightsValues = ["enabled", "disabled", "enhanced"];

/** The settings a cluster has when created with none. */
export const defaultClusterSettings: readonly ClusterSetting[] = [{ name: "containerInsights", value: "disabled" }];

/** Merges requested settings over current ones; `containerInsights` is the only setting ECS has. */
export function mergeClusterSettings(current: readonly ClusterSetting[], requested: readonly ClusterSetting[]): ClusterSetting[] {
  const merged = new Map(current.map((s) => [s.name, s.value]));
  for (const s of requested) {
    if (s.name !== "containerInsights") {
      throw invalidParameter(`Unknown cluster setting '${excerpt(s.name)}': the only setting is 'containerInsights'.`);
    }
    if (!insightsValues.includes(s.value ?? "")) {
      throw invalidParameter(`containerInsights must be one of ${insightsValues.join(", ")}; got '${excerpt(s.value)}'.`);
    }
    merged.set(s.name, s.value);
  }
  return [...merged].map(([name, value]) => ({ name, value }));
}

export type ClusterStatus = "ACTIVE" | "INACTIVE";

/** A cluster as the control plane keeps it. */
export interface ClusterRecord {
  readonly name: string;
  readonly arn: string;
  readonly status: ClusterStatus;
  readonly settings: readonly ClusterSetting[];
  readonly configuration?: ClusterConfiguration | undefined;
  /** CreateCluster's / UpdateCluster's `serviceConnectDefaults`, stored and returned as given. */
  readonly serviceConnectDefaults?: ClusterServiceConnectDefaults | undefined;
  readonly createdAtMs: number;
  /** The capacity providers associated with the cluster (CreateCluster, PutClusterCapacityProviders), by name. */
  readonly capacityProviders?: readonly string[] | undefined;
  /** Used by RunTask and CreateService calls that name neither a launch type nor a strategy. */
  readonly defaultCapacityProviderStrategy?: readonly CapacityProviderStrategyItem[] | undefined;
  /** Bumped on every change; saves are conditional on it (see `Store`). */
  readonly version: number;
}
