import type { ErrorCatalog } from "../../errors/catalog.js";

/**
 * CloudWatch Logs' error catalog: the exceptions of its AWS model that Berth answers, with their
 * statuses. InvalidParameterException is also how Berth answers a missing or malformed member.
 */
export const logsErrors = {
  InvalidParameterException: 400,
  ResourceNotFoundException: 400,
  ResourceAlreadyExistsException: 400,
  LimitExceededException: 400,
  OperationAbortedException: 400,
  TooManyTagsException: 400,
  InvalidSequenceTokenException: 400,
  ServiceUnavailableException: 500,
} as const satisfies ErrorCatalog;

export type LogsErrorName = keyof typeof logsErrors;

declare module "../../errors/catalog.js" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging: adds CloudWatch Logs' names
  interface ServiceErrorNames extends Record<LogsErrorName, true> {}
}
