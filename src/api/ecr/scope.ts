import { invalidParameter } from "../../errors/catalog.js";
import { repositoryNotFound } from "../../registry/ecr-errors.js";
import type { RepositoryScope } from "../../registry/ecr-images.js";
import type { RepositoryRecord } from "../../registry/metadata.js";
import { repositoryNameProblem } from "../../registry/names.js";
import type { Registry } from "../../registry/registry.js";
import type { RequestContext } from "../aws-json/service.js";

/** ECR's published repository name pattern, as its refusals quote it. */
const namePattern = "(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*";

/** Throws ECR's InvalidParameterException when `name` is not a repository name ECR accepts. */
export function checkRepositoryName(name: string): string {
  if (repositoryNameProblem(name) === undefined) return name;
  const constraint =
    name.length < 2
      ? "must have length greater than or equal to 2"
      : name.length > 256
        ? "must have length less than or equal to 256"
        : `must satisfy regular expression '${namePattern}'`;
  throw invalidParameter(`Invalid parameter at 'repositoryName' failed to satisfy constraint: '${constraint}'`);
}

/** Whether `registryId` (absent: the caller's own) is Berth's one registry, the account's. */
export const isOwnRegistry = (registryId: string | undefined, ctx: RequestContext): boolean =>
  registryId === undefined || registryId === ctx.partition.accountId;

/**
 * The repository a call names. Berth is one registry, the account's own: a `registryId` naming
 * another account finds no repository there.
 */
export function repositoryScope(input: { registryId?: string | undefined; repositoryName?: string | undefined }, ctx: RequestContext): RepositoryScope {
  const repositoryName = checkRepositoryName(input.repositoryName ?? "");
  const registryId = input.registryId ?? ctx.partition.accountId;
  if (registryId !== ctx.partition.accountId) throw repositoryNotFound(repositoryName, registryId);
  return { registryId, repositoryName };
}

/** The repository `scope` names, which must exist. */
export async function requireRepository(registry: Registry, scope: RepositoryScope): Promise<RepositoryRecord> {
  const repo = await registry.metadata.getRepository(scope.repositoryName);
  if (repo === undefined) throw repositoryNotFound(scope.repositoryName, scope.registryId);
  return repo;
}
