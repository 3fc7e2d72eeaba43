import type { NetworkConfiguration } from "@aws-sdk/client-ecs";
import { invalidParameter } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";

/**
 * `networkConfiguration.awsvpcConfiguration` of RunTask (and later CreateService), checked as ECS
 * checks it: required for an awsvpc task definition, refused for any other network mode, 1 to 16
 * subnets and at most 5 security groups. Berth maps each subnet id to a Docker bridge network of
 * its own on the host (agent/docker/task-network.ts); the task gets its address there.
 */
export interface AwsvpcSettings {
  /** The subnet the task's interface is in: the first one named (Berth has one host per task, not one per subnet). */
  readonly subnet: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  readonly assignPublicIp: "ENABLED" | "DISABLED";
}

const maxSubnets = 16;
const maxSecurityGroups = 5;
const subnetId = /^subnet-[0-9a-z]{1,32}$/;
const groupId = /^sg-[0-9a-z]{1,32}$/;

/** The task's awsvpc settings, undefined for a task that is not awsvpc, or ECS's error. */
export function awsvpcSettings(networkMode: string, config: NetworkConfiguration | undefined): AwsvpcSettings | undefined {
  if (networkMode !== "awsvpc") {
    if (config?.awsvpcConfiguration !== undefined) throw invalidParameter("Network Configuration is not valid for the given networkMode of this task definition.");
    return undefined;
  }
  const awsvpc = config?.awsvpcConfiguration;
  if (awsvpc === undefined) throw invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  const subnets = awsvpc.subnets ?? [];
  if (subnets.length === 0) throw invalidParameter("subnets can not be empty.");
  if (subnets.length > maxSubnets) throw invalidParameter(`At most ${maxSubnets} subnets can be given; got ${subnets.length}.`);
  for (const s of subnets) if (!subnetId.test(s)) throw invalidParameter(`Error retrieving subnet information for [${excerpt(s, 64)}]: a subnet id is 'subnet-' followed by lowercase letters and digits.`);
  const groups = awsvpc.securityGroups ?? [];
  if (groups.length > maxSecurityGroups) throw invalidParameter(`At most ${maxSecurityGroups} security groups can be given; got ${groups.length}.`);
  for (const g of groups) if (!groupId.test(g)) throw invalidParameter(`Error retrieving security group information for [${excerpt(g, 64)}]: a security group id is 'sg-' followed by lowercase letters and digits.`);
  const publicIp = awsvpc.assignPublicIp ?? "DISABLED";
  if (publicIp !== "ENABLED" && publicIp !== "DISABLED") throw invalidParameter(`assignPublicIp must be ENABLED or DISABLED; got '${excerpt(publicIp)}'.`);
  return { subnet: subnets[0]!, subnets: [...new Set(subnets)], securityGroups: [...new Set(groups)], assignPublicIp: publicIp };
}

/** The settings as ECS shows them back (a service's `networkConfiguration`), every subnet kept. */
export const networkConfigurationOf = (s: AwsvpcSettings): NetworkConfiguration => ({
  awsvpcConfiguration: { subnets: [...s.subnets], securityGroups: [...s.securityGroups], assignPublicIp: s.assignPublicIp },
});
