import type { ErrorCatalog } from "../../errors/catalog.js";

/**
 * Amazon ECR's error catalog: the exceptions of ECR's AWS model that Berth answers, with their HTTP
 * statuses (client faults 400; ServerException 500). Names ECS also declares
 * (InvalidParameterException, LimitExceededException, ServerException) are here too, as they are in
 * both models. `errors.test.ts` holds it to `@aws-sdk/client-ecr`. The `/v2/` distribution API has
 * its own codes (`registry/oci-errors.ts`).
 */
export const ecrErrors = {
  InvalidParameterException: 400,
  ServerException: 500,
  LimitExceededException: 400,
  KmsException: 400,
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
  LifecyclePolicyPreviewInProgressException: 400,
  LifecyclePolicyPreviewNotFoundException: 400,
  InvalidTagParameterException: 400,
  TooManyTagsException: 400,
  UnableToGetUpstreamImageException: 400,
  RepositoryPolicyNotFoundException: 400,
  RegistryPolicyNotFoundException: 400,
  UploadNotFoundException: 400,
  InvalidLayerPartException: 400,
  InvalidLayerException: 400,
  LayerAlreadyExistsException: 400,
  EmptyUploadException: 400,
  LayerPartTooSmallException: 400,
  LayerInaccessibleException: 400,
  UnableToGetUpstreamLayerException: 400,
  UnableToListUpstreamImageReferrersException: 400,
  BlockedByOrganizationPolicyException: 400,
  ImageArchivedException: 400,
  UnsupportedImageTypeException: 400,
  ScanNotFoundException: 400,
  TemplateAlreadyExistsException: 400,
  TemplateNotFoundException: 400,
  ReplicationBackfillInProgressException: 400,
  ReplicationBackfillNotFoundException: 400,
  ReplicationBackfillInvalidStatusException: 400,
} as const satisfies ErrorCatalog;

export type EcrErrorName = keyof typeof ecrErrors;

declare module "../../errors/catalog.js" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging: adds ECR's names
  interface ServiceErrorNames extends Record<EcrErrorName, true> {}
}
