import { AwsError, invalidParameter } from "../errors/catalog.js";

/**
 * `maxResults` / `nextToken` as the List* operations take them. A token is the opaque, base64url
 * form of the last key of the previous page.
 */
export function pageRequest(
  input: { maxResults?: number | undefined; nextToken?: string | undefined },
  { defaultLimit = 100, maxLimit = 100 } = {},
): { limit: number; after?: string } {
  const limit = input.maxResults ?? defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
    throw invalidParameter(`maxResults must be an integer from 1 to ${maxLimit}; got ${limit}.`);
  }
  if (input.nextToken === undefined) return { limit };
  return { limit, after: decodeToken(input.nextToken) };
}

/** A token: the opaque, base64url form of a page key's JSON. */
export const keyToken = (key: unknown): string => Buffer.from(JSON.stringify(key), "utf8").toString("base64url");

/** The page key a token carries when `valid` accepts it, or undefined when it is not a token of ours. */
export function tokenKey<T>(token: string, valid: (key: unknown) => key is T): T | undefined {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    return undefined; // Not JSON in base64url: not a token of ours.
  }
  return valid(key) ? key : undefined;
}

export const encodeToken = (after: string | undefined): string | undefined => (after === undefined ? undefined : keyToken({ after }));

function decodeToken(token: string): string {
  const after = tokenAfter(token);
  if (after === undefined) throw invalidParameter("The nextToken is not valid: pass the nextToken of a previous response unchanged.");
  return after;
}

/** The `NextToken` of EventBridge's and Scheduler's List operations: the key a page starts after, ValidationException when it is not a token of ours. */
export function nextTokenAfter(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const after = tokenAfter(token);
  if (after === undefined) throw new AwsError("ValidationException", "The NextToken is not valid: pass the NextToken of a previous response unchanged.");
  return after;
}

/** The last key of the previous page that a token carries, or undefined when it is not one of ours. */
export function tokenAfter(token: string): string | undefined {
  return tokenKey(token, isAfter)?.after;
}

const isAfter = (key: unknown): key is { after: string } => typeof key === "object" && key !== null && "after" in key && typeof key.after === "string";
