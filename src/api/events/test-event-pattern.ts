import type { TestEventPatternRequest } from "@aws-sdk/client-eventbridge";
import { TestEventPatternRequest$ } from "../../aws-sdk/eventbridge.js";
import { matchesPattern } from "../../domain/events/event-pattern.js";
import { AwsError } from "../../errors/catalog.js";
import { operation, type Operation } from "../aws-json/service.js";
import { checkEventPattern } from "./rules.js";

/** The members EventBridge requires of an event given to TestEventPattern. */
const eventMembers = ["id", "account", "source", "time", "region", "resources", "detail-type"] as const;

/** TestEventPattern: whether an event matches a pattern, with the matcher rules use. */
export function testEventPatternOperation(): Record<string, Operation> {
  return {
    TestEventPattern: operation<TestEventPatternRequest>(TestEventPatternRequest$, (input) => {
      const pattern = checkEventPattern(input.EventPattern ?? "");
      let event: unknown;
      try {
        event = JSON.parse(input.Event ?? "");
      } catch {
        throw new AwsError("ValidationException", "Parameter Event is not valid: it is not JSON.");
      }
      if (typeof event !== "object" || event === null || Array.isArray(event)) throw new AwsError("ValidationException", "Parameter Event is not valid: it must be a JSON object.");
      const missing = eventMembers.filter((m) => !(m in event));
      if (missing.length > 0) throw new AwsError("ValidationException", `Parameter Event is not valid: it lacks ${missing.join(", ")}.`);
      return Promise.resolve({ Result: matchesPattern(pattern, event) });
    }),
  };
}
