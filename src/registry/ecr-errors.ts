/**
 * ECR exception names. They are not yet in `src/errors/catalog.ts` (which only holds ECS's), so
 * this error carries the same shape as `AwsError` (`code`, `message`, `status`, `fields`): once
 * the catalog lists these names, the ECR handlers can map one to the other without knowing more.
 */
export const ecrErrorStatus = {
  InvalidParameterException: 400,
  RepositoryNotFoundException: 400,
  RepositoryAlreadyExistsException: 400,
  RepositoryNotEmptyException: 400,
  ImageNotFoundException: 400,
  ImageTagAlreadyExistsException: 400,
  ImageAlreadyExistsException: 400,
  ImageDigestDoesNotMatchException: 400,
  ReferencedImagesNotFoundException: 400,
  LayersNotFoundException: 400,
  LifecyclePolicyNotFoundException: 400,
  ServerException: 500,
} as const;

export type EcrErrorCode = keyof typeof ecrErrorStatus;

export class EcrError extends Error {
  override readonly name = "EcrError";
  constructor(
    readonly code: EcrErrorCode,
    message: string,
    readonly fields: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }

  get status(): number {
    return ecrErrorStatus[this.code];
  }
}

/** ECR's wording when a repository is missing. */
export const repositoryNotFound = (name: string, registryId: string): EcrError =>
  new EcrError(
    "RepositoryNotFoundException",
    `The repository with name '${name}' does not exist in the registry with id '${registryId}'`,
  );

/** ECR's wording when an IMMUTABLE repository refuses to move a tag. */
export const tagAlreadyExistsMessage = (tag: string, repository: string): string =>
  `The image tag '${tag}' already exists in the '${repository}' repository and cannot be overwritten because the repository is immutable.`;
