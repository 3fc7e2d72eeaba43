import { AwsError } from "../../errors/catalog.js";

/**
 * NextToken values: the store's continuation key in base64url, checked on the way back in (a
 * token is the client's text: anything else is InvalidNextToken, never a failure inside).
 */
export const encodeToken = (key: string): string => Buffer.from(key, "utf8").toString("base64url");

export function decodeToken(token: string | undefined): string | undefined {
  if (token === undefined || token === "") return undefined;
  const key = Buffer.from(token, "base64url").toString("utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(key);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((x) => typeof x === "string")) throw new AwsError("InvalidNextToken", "The NextToken is not one this API handed out.");
  return key;
}
