import type { ErrorCatalog } from "../../errors/catalog.js";

/**
 * AWS IAM's error catalog: the exceptions of IAM's model that Berth's IAM operations raise, with
 * their HTTP statuses. Signature errors, AccessDenied and validation are the front door's.
 */
export const iamErrors = {
  MalformedPolicyDocument: 400,
  NoSuchEntity: 404,
  EntityAlreadyExists: 409,
  DeleteConflict: 409,
  LimitExceeded: 409,
  InvalidInput: 400,
} as const satisfies ErrorCatalog;

declare module "../../errors/catalog.js" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging: adds IAM's names
  interface ServiceErrorNames extends Record<keyof typeof iamErrors, true> {}
}
