import type { DomainErrorName, ErrorCatalog } from "../../errors/catalog.js";

/**
 * Amazon ECS's error catalog: the exceptions of ECS's AWS model that Berth answers, with the HTTP
 * status the model gives each (client faults 400; ServerException 500). `errors.test.ts` holds it
 * to `@aws-sdk/client-ecs`: every name here is an exception of that model with that status, and
 * every exception the model declares for an operation Berth serves is here. The front door's own
 * errors (signatures, unreadable bodies, IAM's AccessDeniedException) are the shared core's
 * (`errors/catalog.ts`).
 */
export const ecsErrors = {
  ClientException: 400,
  InvalidParameterException: 400,
  ServerException: 500,
  ClusterNotFoundException: 400,
  ClusterContainsCapacityProviderException: 400,
  ClusterContainsContainerInstancesException: 400,
  ClusterContainsServicesException: 400,
  ClusterContainsTasksException: 400,
  ResourceNotFoundException: 400,
  ResourceInUseException: 400,
  ServiceNotFoundException: 400,
  ServiceNotActiveException: 400,
  TaskSetNotFoundException: 400,
  ServiceDeploymentNotFoundException: 400,
  NamespaceNotFoundException: 400,
  TargetNotFoundException: 400,
  AttributeLimitExceededException: 400,
  LimitExceededException: 400,
  UnsupportedFeatureException: 400,
  UpdateInProgressException: 400,
  ConflictException: 400,
  BlockedException: 400,
  PlatformUnknownException: 400,
  PlatformTaskDefinitionIncompatibilityException: 400,
} as const satisfies ErrorCatalog;

export type EcsErrorName = keyof typeof ecsErrors;

// Domain rules raise ECS's names without importing api/: each must be in this catalog.
const _domainNamesAreEcsNames: Record<DomainErrorName, number> = ecsErrors;
void _domainNamesAreEcsNames;

declare module "../../errors/catalog.js" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging: adds ECS's names
  interface ServiceErrorNames extends Record<EcsErrorName, true> {}
}
