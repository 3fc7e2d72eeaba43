import { invalidParameter } from "../errors/catalog.js";

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

export const encodeToken = (after: string | undefined): string | undefined =>
  after === undefined ? undefined : Buffer.from(JSON.stringify({ after }), "utf8").toString("base64url");

function decodeToken(token: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (typeof parsed === "object" && parsed !== null && "after" in parsed && typeof parsed.after === "string") return parsed.after;
  } catch {
    // Falls through to the error below.
  }
  throw invalidParameter("The nextToken is not valid: pass the nextToken of a previous response unchanged.");
}
