import type { JsonService } from "../aws-json/service.js";
import type { EventsDeps } from "./deps.js";
import { eventsErrors } from "./errors.js";
import { ruleOperations } from "./rules.js";
import { targetOperations } from "./targets.js";
import { testEventPatternOperation } from "./test-event-pattern.js";

/** Amazon EventBridge (the default event bus): rules, their schedules and their ECS targets. */
export function eventsService(deps: EventsDeps): JsonService {
  return {
    targetPrefix: "AWSEvents",
    signingName: "events",
    errors: eventsErrors,
    missingMemberError: "ValidationException",
    operations: { ...ruleOperations(deps), ...targetOperations(deps), ...testEventPatternOperation() },
  };
}
