import { invalidParameter } from "../errors/catalog.js";
import { excerpt } from "../observability/excerpt.js";

/** The launch types of ECS's model (LaunchType in the API reference). */
export const launchTypes = ["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"] as const;

/** A launch type a request names, if any, is one ECS knows; if not, it is refused as ECS refuses it. */
export function checkKnownLaunchType(launchType: string | undefined): void {
  if (launchType !== undefined && !launchTypes.some((t) => t === launchType)) {
    throw invalidParameter(`launch type should be one of [${launchTypes.join(",")}]`);
  }
}

/** The launch types Berth runs: EC2 on the cluster's instances, FARGATE on the managed pool (domain/fargate/). */
export type OfferedLaunchType = "EC2" | "FARGATE";

/**
 * A launch type a request asks for: one ECS does not know is refused as ECS refuses it; one it
 * knows but Berth does not offer yet is refused saying so. Absent means EC2.
 */
export function checkLaunchType(launchType: string | undefined): OfferedLaunchType {
  checkKnownLaunchType(launchType);
  if (launchType === undefined || launchType === "EC2" || launchType === "FARGATE") return launchType ?? "EC2";
  throw invalidParameter(`launchType ${excerpt(launchType)} is not available yet: use EC2 (the default) or FARGATE.`);
}
