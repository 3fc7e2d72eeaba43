import type { ErrorCatalog } from "../../errors/catalog.js";

/**
 * SSM Parameter Store's error catalog: the exceptions of the SSM model that Berth answers, with the
 * model's statuses. A malformed request (a member missing or out of its range, a name Parameter
 * Store refuses) is a ValidationException, as SSM answers it; that name, and AccessDeniedException,
 * come from the front door's shared core.
 */
export const ssmErrors = {
  ParameterNotFound: 400,
  ParameterVersionNotFound: 400,
  ParameterAlreadyExists: 400,
  ParameterLimitExceeded: 400,
  ParameterMaxVersionLimitExceeded: 400,
  ParameterPatternMismatchException: 400,
  ParameterVersionLabelLimitExceeded: 400,
  HierarchyLevelLimitExceededException: 400,
  HierarchyTypeMismatchException: 400,
  InvalidAllowedPatternException: 400,
  InvalidKeyId: 400,
  InvalidPolicyTypeException: 400,
  InvalidFilterKey: 400,
  InvalidFilterOption: 400,
  InvalidFilterValue: 400,
  InvalidNextToken: 400,
  InvalidResourceId: 400,
  InvalidResourceType: 400,
  TooManyTagsError: 400,
  TooManyUpdates: 400,
  UnsupportedParameterType: 400,
} as const satisfies ErrorCatalog;

export type SsmErrorName = keyof typeof ssmErrors;

declare module "../../errors/catalog.js" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging: adds SSM's names
  interface ServiceErrorNames extends Record<SsmErrorName, true> {}
}
