import type { ErrorCatalog } from "../../errors/catalog.js";

/**
 * Amazon EventBridge's error catalog: the exceptions of its AWS model that Berth answers, with their
 * statuses (client faults 400, InternalException 500). A malformed parameter (an invalid schedule
 * expression, a rule with targets deleted) is the shared core's ValidationException, as EventBridge
 * answers it though its model does not declare it.
 */
export const eventsErrors = {
  ResourceNotFoundException: 400,
  InvalidEventPatternException: 400,
  LimitExceededException: 400,
  ConcurrentModificationException: 400,
  ManagedRuleException: 400,
  InternalException: 500,
} as const satisfies ErrorCatalog;

export type EventsErrorName = keyof typeof eventsErrors;

declare module "../../errors/catalog.js" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging: adds EventBridge's names
  interface ServiceErrorNames extends Record<EventsErrorName, true> {}
}
