import type { CreateRepositoryRequest, DeleteRepositoryRequest, DescribeRepositoriesRequest, PutImageTagMutabilityRequest, Repository } from "@aws-sdk/client-ecr";
import { CreateRepositoryRequest$, DeleteRepositoryRequest$, DescribeRepositoriesRequest$, PutImageTagMutabilityRequest$ } from "../../aws-sdk/ecr.js";
import { ecrRepositoryArn, type Partition } from "../../domain/arn.js";
import { AwsError, invalidParameter } from "../../errors/catalog.js";
import { tagMutabilities, type RepositoryRecord, type TagMutability } from "../../registry/metadata.js";
import { operation, type Operation } from "../aws-json/service.js";
import { encodeToken, pageRequest } from "../pagination.js";
import type { EcrDeps } from "./deps.js";
import { isOwnRegistry, repositoryScope, requireRepository } from "./scope.js";
import { checkEcrTags } from "./tags.js";
import { excerpt } from "../../observability/excerpt.js";

/** CreateRepository, DescribeRepositories, DeleteRepository, PutImageTagMutability. */
export function repositoryOperations({ registry, registryAddress }: EcrDeps): Record<string, Operation> {
  const view = (p: Partition, r: RepositoryRecord): Repository => toRepository(p, registryAddress(), r);
  return {
    CreateRepository: operation<CreateRepositoryRequest>(CreateRepositoryRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      const tags = checkEcrTags(input.tags ?? []);
      const imageTagMutability = checkMutability(input.imageTagMutability ?? "MUTABLE");
      if (input.encryptionConfiguration?.encryptionType !== undefined) {
        // Berth does not encrypt blobs at rest, so it cannot honour any encryption setting.
        throw invalidParameter("Berth does not encrypt images at rest: leave encryptionConfiguration out.");
      }
      const scanOnPush = input.imageScanningConfiguration?.scanOnPush === true;
      const record: RepositoryRecord = { name: scope.repositoryName, createdAtMs: ctx.nowMs, imageTagMutability, scanOnPush };
      const created = await registry.metadata.createRepository(record, tags);
      if (!created.ok) {
        throw new AwsError(
          "RepositoryAlreadyExistsException",
          `The repository with name '${scope.repositoryName}' already exists in the registry with id '${scope.registryId}'`,
        );
      }
      return { repository: view(ctx.partition, record) };
    }),

    DescribeRepositories: operation<DescribeRepositoriesRequest>(DescribeRepositoriesRequest$, async (input, ctx) => {
      if (input.repositoryNames !== undefined) {
        if (input.maxResults !== undefined || input.nextToken !== undefined) {
          throw invalidParameter("maxResults and nextToken cannot be used when repositoryNames are given.");
        }
        const repositories: Repository[] = [];
        for (const name of input.repositoryNames) {
          const scope = repositoryScope({ registryId: input.registryId, repositoryName: name }, ctx);
          repositories.push(view(ctx.partition, await requireRepository(registry, scope)));
        }
        return { repositories };
      }
      if (!isOwnRegistry(input.registryId, ctx)) return { repositories: [] };
      const page = await registry.metadata.listRepositories(pageRequest(input, { defaultLimit: 100, maxLimit: 1000 }));
      return { repositories: page.items.map((r) => view(ctx.partition, r)), nextToken: encodeToken(page.nextAfter) };
    }),

    DeleteRepository: operation<DeleteRepositoryRequest>(DeleteRepositoryRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      const record = await requireRepository(registry, scope);
      if (input.force !== true && (await registry.metadata.listManifests(scope.repositoryName)).length > 0) {
        throw new AwsError(
          "RepositoryNotEmptyException",
          `The repository with name '${scope.repositoryName}' in registry with id '${scope.registryId}' cannot be deleted because it still contains images`,
        );
      }
      // The repository's blobs stay until garbage collection finds nothing refers to them.
      await registry.metadata.deleteRepository(scope.repositoryName);
      return { repository: view(ctx.partition, record) };
    }),

    PutImageTagMutability: operation<PutImageTagMutabilityRequest>(PutImageTagMutabilityRequest$, async (input, ctx) => {
      const scope = repositoryScope(input, ctx);
      const mutability = checkMutability(input.imageTagMutability ?? "");
      await requireRepository(registry, scope);
      await registry.metadata.setTagMutability(scope.repositoryName, mutability);
      return { ...scope, imageTagMutability: mutability };
    }),
  };
}

function checkMutability(value: string): TagMutability {
  const m = tagMutabilities.find((t) => t === value);
  if (m !== undefined) return m;
  if (value === "MUTABLE_WITH_EXCLUSION" || value === "IMMUTABLE_WITH_EXCLUSION") {
    throw invalidParameter(`imageTagMutability ${excerpt(value)} (exclusion filters) is not supported by Berth; use MUTABLE or IMMUTABLE.`);
  }
  throw invalidParameter(`Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [MUTABLE, IMMUTABLE]'`);
}

/** ECR's shape of a repository; its URI is `<registry host:port>/<name>`, what `docker push` takes. */
export function toRepository(p: Partition, address: string, r: RepositoryRecord): Repository {
  return {
    repositoryArn: ecrRepositoryArn(p, r.name),
    registryId: p.accountId,
    repositoryName: r.name,
    repositoryUri: `${address}/${r.name}`,
    createdAt: new Date(r.createdAtMs),
    imageTagMutability: r.imageTagMutability,
    imageScanningConfiguration: { scanOnPush: r.scanOnPush === true },
  };
}
