import { AwsError } from "../../errors/catalog.js";
import { encodeToken, tokenAfter } from "../pagination.js";

/** `MaxResults` in the model's range (1 to `max`), `max` when absent, in SSM's words. */
export function maxResultsOf(n: number | undefined, max: number): number {
  const limit = n ?? max;
  if (limit < 1) throw new AwsError("ValidationException", `1 validation error detected: Value '${limit}' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1`);
  if (limit > max) throw new AwsError("ValidationException", `1 validation error detected: Value '${limit}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
  return limit;
}

/** The key a `NextToken` carries (the previous page's last), InvalidNextToken when it is not one of ours. */
export function afterToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const after = tokenAfter(token);
  if (after === undefined) throw new AwsError("InvalidNextToken", "The specified token isn't valid: pass the NextToken of a previous response unchanged.");
  return after;
}

export const nextToken = encodeToken;
