import type { DescribeImageReplicationStatusRequest, PutReplicationConfigurationRequest } from "@aws-sdk/client-ecr";
import { DescribeImageReplicationStatusRequest$, DescribeRegistryRequest$, PutReplicationConfigurationRequest$ } from "../../aws-sdk/ecr.js";
import { checkReplication, parseStoredReplication, storedReplication, toEcrReplication } from "../../registry/replication/config.js";
import { operation, type Operation } from "../aws-json/service.js";
import type { EcrDeps } from "./deps.js";
import { requireImage } from "./image-lookup.js";
import { repositoryScope } from "./scope.js";

/**
 * Cross-region replication within the account: the registry's configuration (stored in its
 * settings) and each image's state per destination. The copying is `registry/replication/`.
 */
export function replicationOperations(deps: EcrDeps): Record<string, Operation> {
  const metadata = () => deps.registry.metadata;
  return {
    PutReplicationConfiguration: operation<PutReplicationConfigurationRequest>(PutReplicationConfigurationRequest$, async (input, ctx) => {
      const replication = checkReplication(input.replicationConfiguration ?? { rules: [] }, ctx.partition);
      await metadata().setRegistrySetting("replication-configuration", storedReplication(replication));
      return { replicationConfiguration: toEcrReplication(replication, ctx.partition.accountId) };
    }),

    DescribeRegistry: operation<object>(DescribeRegistryRequest$, async (_input, ctx) => {
      const replication = parseStoredReplication(await metadata().getRegistrySetting("replication-configuration"));
      return { registryId: ctx.partition.accountId, replicationConfiguration: toEcrReplication(replication, ctx.partition.accountId) };
    }),

    DescribeImageReplicationStatus: operation<DescribeImageReplicationStatusRequest>(DescribeImageReplicationStatusRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      const image = await requireImage(deps.registry, scope, input.imageId);
      const statuses = await deps.replicator.statusOf(scope.repositoryName, image.imageDigest);
      return {
        repositoryName: scope.repositoryName,
        imageId: { imageDigest: image.imageDigest, ...(input.imageId?.imageTag !== undefined && { imageTag: input.imageId.imageTag }) },
        replicationStatuses: statuses.map((s) => ({ region: s.region, registryId: scope.registryId, status: s.status, ...(s.failureCode !== undefined && { failureCode: s.failureCode }) })),
      };
    }),
  };
}
