import type { Tag } from "@aws-sdk/client-ecs";
import { arnCluster, arnId, ecsResource, parseTaskDefinitionRef } from "../../domain/arn.js";
import { AwsError, invalidParameter } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import type { ReadTx, WriteTx } from "../../state/store.js";

/**
 * The ECS resources that take tags, found by ARN as ECS finds them for TagResource, UntagResource
 * and ListTagsForResource: clusters, task definitions and capacity providers keep their tags in the
 * tag table; services, tasks and container instances in their own record (a change of their tags is
 * a new version of the record, on the change log like any other).
 */
export interface TaggedResource {
  readonly tags: readonly Tag[];
  /** Saves the resource's whole set of tags (in the caller's write). */
  save(tx: WriteTx, tags: readonly Tag[]): Promise<void>;
}

/** The resource `arn` names, which must exist; otherwise the exception ECS answers for its kind. */
export async function taggedResource(tx: ReadTx, arn: string): Promise<TaggedResource> {
  const resource = ecsResource(arn);
  const shown = excerpt(arn, 255);
  switch (resource?.type) {
    case "cluster": {
      const cluster = await tx.clusters.get(resource.path);
      if (!cluster || cluster.status !== "ACTIVE") throw new AwsError("ClusterNotFoundException", "Cluster not found.");
      return inTagTable(tx, arn);
    }
    case "task-definition": {
      const ref = parseTaskDefinitionRef(arn);
      const found = ref?.revision !== undefined && (await tx.taskDefinitions.get(ref.family, ref.revision));
      if (!found) throw new AwsError("ResourceNotFoundException", `The task definition ${shown} does not exist.`);
      return inTagTable(tx, arn);
    }
    case "capacity-provider": {
      const provider = await tx.capacityProviders.get(resource.path);
      if (!provider || provider.status !== "ACTIVE") throw new AwsError("ResourceNotFoundException", `The capacity provider ${shown} does not exist.`);
      return inTagTable(tx, arn);
    }
    case "service": {
      const cluster = await clusterOf(tx, arn);
      const service = await tx.services.get(cluster, arnId(arn));
      if (!service || service.status === "INACTIVE") throw new AwsError("ServiceNotFoundException", "Service not found.");
      return { tags: service.tags, save: (w, tags) => w.services.put({ ...service, tags, version: service.version + 1 }) };
    }
    case "task": {
      await clusterOf(tx, arn);
      const task = await tx.tasks.get(arn);
      if (!task) throw new AwsError("ResourceNotFoundException", `The task ${shown} does not exist.`);
      return { tags: task.tags, save: (w, tags) => w.tasks.put({ ...task, tags, version: task.version + 1 }) };
    }
    case "task-set": {
      // task-set/<cluster>/<service>/<id>, the id itself holding a slash (ecs-svc/…).
      const [clusterPart = "", servicePart = "", ...idParts] = resource.path.split("/");
      const cluster = await tx.clusters.get(clusterPart);
      if (!cluster || cluster.status !== "ACTIVE") throw new AwsError("ClusterNotFoundException", "Cluster not found.");
      const service = await tx.services.get(clusterPart, servicePart);
      if (!service || service.status === "INACTIVE") throw new AwsError("ServiceNotFoundException", "Service not found.");
      const id = idParts.join("/");
      const set = (service.taskSets ?? []).find((t) => t.id === id && t.status !== "DRAINING");
      if (!set) throw new AwsError("ResourceNotFoundException", `The task set ${shown} does not exist.`);
      return {
        tags: set.tags,
        save: (w, tags) => w.services.put({ ...service, taskSets: (service.taskSets ?? []).map((t) => (t.id === id ? { ...t, tags } : t)), version: service.version + 1 }),
      };
    }
    case "container-instance": {
      await clusterOf(tx, arn);
      const instance = await tx.containerInstances.get(arn);
      if (!instance || instance.status === "INACTIVE") throw new AwsError("ResourceNotFoundException", `The container instance ${shown} does not exist.`);
      return { tags: instance.tags, save: (w, tags) => w.containerInstances.put({ ...instance, tags, version: instance.version + 1 }) };
    }
    default:
      throw invalidParameter(
        `'${shown}' is not the ARN of an ECS resource that takes tags: name a cluster, service, task, task set, task definition, container instance or capacity provider ARN.`,
      );
  }
}

/** The cluster of a service, task or container-instance ARN (the long format ECS tags only), which must exist. */
async function clusterOf(tx: ReadTx, arn: string): Promise<string> {
  const cluster = arnCluster(arn);
  if (cluster === undefined) throw invalidParameter("Long arn format must be used for tagging operations");
  const record = await tx.clusters.get(cluster);
  if (!record || record.status !== "ACTIVE") throw new AwsError("ClusterNotFoundException", "Cluster not found.");
  return cluster;
}

async function inTagTable(tx: ReadTx, arn: string): Promise<TaggedResource> {
  const tags = await tx.tags.list(arn);
  return {
    tags,
    async save(w, next) {
      const kept = new Set(next.map((t) => t.key));
      await w.tags.remove(arn, tags.map((t) => t.key ?? "").filter((k) => !kept.has(k)));
      await w.tags.put(arn, next);
    },
  };
}
