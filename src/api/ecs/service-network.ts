import type { NetworkConfiguration } from "@aws-sdk/client-ecs";
import { awsvpcSettings, networkConfigurationOf } from "../../domain/awsvpc/network-configuration.js";
import { withSecurityGroups } from "../../domain/awsvpc/security-groups.js";
import type { ReadTx, TaskDefinitionRecord } from "../../state/store.js";

/**
 * The networkConfiguration of a service or task set, checked against its task definition's network
 * mode (required for awsvpc, refused for the others) and kept as ECS shows it.
 */
export async function serviceNetwork(tx: ReadTx, td: TaskDefinitionRecord | undefined, config: NetworkConfiguration | undefined): Promise<{ networkConfiguration?: NetworkConfiguration }> {
  if (td === undefined) return {};
  const settings = awsvpcSettings(td.body.networkMode ?? "bridge", config);
  return settings === undefined ? {} : { networkConfiguration: networkConfigurationOf(await withSecurityGroups(tx, settings)) };
}
