import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";

const namePattern = /^[.\-_A-Za-z0-9]{1,64}$/;

/** A rule's or target's name as EventBridge's model constrains it (1 to 64 of `.-_A-Za-z0-9`), in its ValidationException wording. */
export function checkName(member: string, value: string): string {
  if (!namePattern.test(value)) {
    throw new AwsError(
      "ValidationException",
      `1 validation error detected: Value '${excerpt(value, 64)}' at '${member}' failed to satisfy constraint: Member must have length between 1 and 64 and satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`,
    );
  }
  return value;
}

/** Only the default event bus exists. */
export function checkEventBus(name: string | undefined): void {
  if (name === undefined || name === "default" || /^arn:aws[a-z-]*:events:[^:]*:\d*:event-bus\/default$/.test(name)) return;
  throw new AwsError("ResourceNotFoundException", `Event bus ${excerpt(name, 256)} does not exist.`);
}

export const ruleNotFound = (name: string): AwsError => new AwsError("ResourceNotFoundException", `Rule ${excerpt(name, 64)} does not exist on EventBus default.`);

/** `Limit` / `NextToken` of EventBridge's List operations: 1 to 100. */
export function limitOf(limit: number | undefined): number {
  const n = limit ?? 100;
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new AwsError("ValidationException", `Limit must be from 1 to 100; got ${n}.`);
  return n;
}

