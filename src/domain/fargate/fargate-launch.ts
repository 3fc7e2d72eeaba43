import type { PlacementConstraint, PlacementStrategy as EcsStrategy } from "@aws-sdk/client-ecs";
import { AwsError, invalidParameter } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { zoneAttribute, type PlacementStrategy } from "../../scheduler/types.js";
import type { TaskDefinitionRecord } from "../../state/store.js";

/**
 * What a FARGATE launch must satisfy, with ECS's rules: a task definition that Fargate can run
 * (its `compatibilities` name FARGATE: awsvpc, a valid cpu/memory pair, no host port other than
 * the container port, no placement constraints; checked when it was registered), no placement
 * constraints or strategies in the request, and a platform version Berth offers.
 */

/** The one Fargate platform version Berth offers (LATEST resolves to it, as it does in ECS today). */
export const fargatePlatformVersion = "1.4.0";

/** Fargate places tasks by Availability Zone only: spread over the pool's zones. */
export const fargatePlacement: readonly PlacementStrategy[] = [{ type: "spread", field: `attribute:${zoneAttribute}` }];

/** The platform version a FARGATE task runs on, or ECS's PlatformUnknownException. */
export function fargatePlatform(version: string | undefined): string {
  if (version === undefined || version === "LATEST" || version === fargatePlatformVersion) return fargatePlatformVersion;
  throw new AwsError(
    "PlatformUnknownException",
    `The specified platform version doesn't exist: '${excerpt(version, 64)}'. Berth's Fargate offers LATEST and ${fargatePlatformVersion}.`,
  );
}

/** The request's and definition's problems for a FARGATE launch, as ECS refuses them. */
export function checkFargateLaunch(
  td: TaskDefinitionRecord,
  request: { readonly placementConstraints?: readonly PlacementConstraint[] | undefined; readonly placementStrategy?: readonly EcsStrategy[] | undefined },
): void {
  if (!(td.body.compatibilities ?? []).includes("FARGATE")) {
    throw invalidParameter(
      `Task definition does not support launch_type FARGATE. Register a revision that requires FARGATE (network mode awsvpc, task-level cpu and memory of a Fargate size) to see why ${td.family}:${td.revision} does not fit.`,
    );
  }
  if ((request.placementConstraints ?? []).length > 0) throw invalidParameter("Task placement constraints are not supported for the FARGATE launch type. Remove placementConstraints.");
  if ((request.placementStrategy ?? []).length > 0) throw invalidParameter("Task placement strategies are not supported for the FARGATE launch type. Remove placementStrategy.");
}

/** A task definition that can run where a service or task set launches: on FARGATE as checkFargateLaunch says, on EC2 unless it requires only other compatibilities. */
export function checkLaunchCompatibility(td: TaskDefinitionRecord, fargate: boolean): void {
  if (fargate) return checkFargateLaunch(td, {});
  const compatible = td.body.requiresCompatibilities ?? [];
  if (compatible.length > 0 && !compatible.includes("EC2") && !compatible.includes("EXTERNAL")) throw invalidParameter("Task definition does not support launch_type EC2.");
}
