import { AwsError } from "../errors/catalog.js";
import { excerpt } from "../observability/excerpt.js";

/**
 * ECR's wording for the errors the registry's ECR logic raises. The exception names are ECR's
 * catalog's (`api/ecr/errors.ts`); the OCI distribution API has its own codes (`oci-errors.ts`).
 */

/** ECR's wording when a repository is missing. */
export const repositoryNotFound = (name: string, registryId: string): AwsError =>
  new AwsError(
    "RepositoryNotFoundException",
    `The repository with name '${excerpt(name, 256)}' does not exist in the registry with id '${registryId}'`,
  );

/** ECR's wording when an IMMUTABLE repository refuses to move a tag. */
export const tagAlreadyExistsMessage = (tag: string, repository: string): string =>
  `The image tag '${excerpt(tag, 300)}' already exists in the '${excerpt(repository, 256)}' repository and cannot be overwritten because the repository is immutable.`;
