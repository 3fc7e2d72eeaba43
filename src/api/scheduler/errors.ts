import type { ErrorCatalog } from "../../errors/catalog.js";

/**
 * EventBridge Scheduler's error catalog: the exceptions of its AWS model, with the model's statuses
 * (REST-JSON: the status carries the kind; ResourceNotFoundException is Scheduler's 404, where
 * EventBridge's own is a 400).
 */
export const schedulerErrors = {
  ValidationException: 400,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  ServiceQuotaExceededException: 402,
  ThrottlingException: 429,
  InternalServerException: 500,
} as const satisfies ErrorCatalog;

export type SchedulerErrorName = keyof typeof schedulerErrors;

declare module "../../errors/catalog.js" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging: adds Scheduler's names
  interface ServiceErrorNames extends Record<SchedulerErrorName, true> {}
}
