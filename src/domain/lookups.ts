import { clusterName, parseTaskDefinitionRef } from "./arn.js";
import { AwsError } from "../errors/catalog.js";
import type { ClusterRecord } from "../domain/cluster.js";
import type { ReadTx, TaskDefinitionRecord } from "../state/store.js";

/** The records a request names, found (or refused) as ECS finds them, for every caller. */

/** The named (or default) cluster, if ACTIVE; otherwise ClusterNotFoundException, as ECS answers. */
export async function activeCluster(tx: ReadTx, ref: string | undefined): Promise<ClusterRecord> {
  const record = await tx.clusters.get(clusterName(ref));
  if (!record || record.status !== "ACTIVE") throw new AwsError("ClusterNotFoundException", "Cluster not found.");
  return record;
}

/** `family`, `family:revision` or an ARN: the revision named, or the newest ACTIVE one of the family. */
export async function findTaskDefinition(tx: ReadTx, ref: string): Promise<TaskDefinitionRecord | undefined> {
  const parsed = parseTaskDefinitionRef(ref);
  if (!parsed) return undefined;
  return parsed.revision === undefined ? tx.taskDefinitions.latestActive(parsed.family) : tx.taskDefinitions.get(parsed.family, parsed.revision);
}
