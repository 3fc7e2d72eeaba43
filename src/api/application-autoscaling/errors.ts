import type { ErrorCatalog } from "../../errors/catalog.js";

/**
 * Application Auto Scaling's error catalog: the exceptions of its AWS model that Berth answers, with
 * their statuses (client faults 400; ConcurrentUpdateException and InternalServiceException are server faults, 500). A malformed parameter is the
 * model's ValidationException (the shared core's name).
 */
export const applicationAutoScalingErrors = {
  ObjectNotFoundException: 400,
  ConcurrentUpdateException: 500,
  LimitExceededException: 400,
  InvalidNextTokenException: 400,
  FailedResourceAccessException: 400,
  InternalServiceException: 500,
} as const satisfies ErrorCatalog;

export type ApplicationAutoScalingErrorName = keyof typeof applicationAutoScalingErrors;

declare module "../../errors/catalog.js" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging: adds Application Auto Scaling's names
  interface ServiceErrorNames extends Record<ApplicationAutoScalingErrorName, true> {}
}
