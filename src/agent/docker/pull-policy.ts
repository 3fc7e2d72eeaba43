/**
 * `ECS_IMAGE_PULL_BEHAVIOR`: whether to pull an image before creating a container, decided from
 * two facts the caller gathers (is the image on this host, did this agent pull it before).
 */
import { repositoryOf } from "../../domain/image-refs.js";

export const imagePullBehaviors = ["default", "always", "once", "prefer-cached"] as const;
export type ImagePullBehavior = (typeof imagePullBehaviors)[number];

/**
 * - `pull`: pull, and fail the container if the pull fails.
 * - `pull-or-cached`: pull, and on failure use the image already on the host.
 * - `cached`: use the image on the host without pulling.
 */
export type PullPlan = "pull" | "pull-or-cached" | "cached";

export interface PullFacts {
  /** The image is present in the local Docker engine. */
  readonly cached: boolean;
  /** This agent pulled the image successfully before (ECS "once" trusts only its own pulls). */
  readonly pulledBefore: boolean;
}

/** The ECS agent's pull behaviours as a table. */
export function pullPlan(behavior: ImagePullBehavior, facts: PullFacts): PullPlan {
  switch (behavior) {
    case "default":
      return facts.cached ? "pull-or-cached" : "pull";
    case "always":
      return "pull";
    case "once":
      return facts.cached && facts.pulledBefore ? "cached" : "pull";
    case "prefer-cached":
      return facts.cached ? "cached" : "pull";
  }
}

/**
 * The reference Docker pulls: a bare repository means its `latest` tag (the Engine API would
 * otherwise pull every tag). A digest or a tag is kept; a registry port is not a tag.
 */
export function pullReference(image: string): string {
  return image.includes("@") || repositoryOf(image) !== image ? image : `${image}:latest`;
}

/**
 * The reference of one manifest of the image's repository, as a service revision pinned it:
 * `repository@digest`, its tag (or an older digest) dropped. Docker resolves it in the registry
 * and keeps it, so a tag moved since never changes what runs.
 */
export const pinnedReference = (image: string, digest: string): string => `${repositoryOf(image)}@${digest}`;
