import { parseLogGroupArn } from "../../domain/arn.js";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";

const groupNamePattern = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const streamNamePattern = /^[^:*]{1,512}$/;

const invalid = (message: string): AwsError => new AwsError("InvalidParameterException", message);

export function checkGroupName(name: string, member = "logGroupName"): string {
  if (!groupNamePattern.test(name)) {
    throw invalid(`1 validation error detected: Value '${excerpt(name, 512)}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+ and have length between 1 and 512`);
  }
  return name;
}

export function checkStreamName(name: string, member = "logStreamName"): string {
  // The model's pattern allows U+0000; PostgreSQL's text cannot hold it, and a name with one is no use to anyone.
  if (name.includes("\u0000")) throw invalid(`1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must not contain the NUL character (U+0000)`);
  if (!streamNamePattern.test(name)) {
    throw invalid(`1 validation error detected: Value '${excerpt(name, 512)}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]* and have length between 1 and 512`);
  }
  return name;
}

/** The group an operation names: `logGroupName`, or `logGroupIdentifier` (a name or an ARN); exactly one. */
export function groupOf(input: { logGroupName?: string | undefined; logGroupIdentifier?: string | undefined }): string {
  if (input.logGroupName !== undefined && input.logGroupIdentifier !== undefined) {
    throw invalid("LogGroup name and LogGroup ARN are mutually exclusive parameters.");
  }
  if (input.logGroupIdentifier !== undefined) return checkGroupName(parseLogGroupArn(input.logGroupIdentifier) ?? input.logGroupIdentifier, "logGroupIdentifier");
  if (input.logGroupName === undefined) throw invalid("Either logGroupName or logGroupIdentifier must be specified.");
  return checkGroupName(input.logGroupName);
}

export const groupNotFound = (): AwsError => new AwsError("ResourceNotFoundException", "The specified log group does not exist.");
export const streamNotFound = (): AwsError => new AwsError("ResourceNotFoundException", "The specified log stream does not exist.");

/** A `limit` member: from 1 to `max`, `max` when absent. */
export function limitOf(limit: number | undefined, max: number, def = max): number {
  const n = limit ?? def;
  if (!Number.isInteger(n) || n < 1 || n > max) throw invalid(`1 validation error detected: Value '${n}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${max}`);
  return n;
}

/** A paging token of DescribeLogGroups / DescribeLogStreams: base64url JSON of the previous page's last key. */
export function encodePageToken(key: unknown): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

export function decodePageToken(token: string | undefined): unknown {
  if (token === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw invalid("The specified nextToken is invalid: pass the nextToken of a previous response unchanged.");
  }
}

export const invalidToken = (): AwsError => invalid("The specified nextToken is invalid: pass the nextToken of a previous response unchanged.");

/** CloudWatch Logs' retention periods, in days. */
export const retentionDays: readonly number[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export function checkRetention(days: number | undefined): number {
  if (days === undefined || !retentionDays.includes(days)) {
    throw invalid(`1 validation error detected: Value '${days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${retentionDays.join(", ")}]`);
  }
  return days;
}

/** Tags as CloudWatch Logs checks them: at most 50, keys 1 to 128 characters (not `aws:`), values up to 256. */
export function checkTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  const entries = Object.entries(tags);
  if (entries.length > 50) throw new AwsError("TooManyTagsException", "A resource can have at most 50 tags.", { resourceName: undefined });
  for (const [k, v] of entries) {
    if (k.length < 1 || k.length > 128 || k.startsWith("aws:")) throw invalid(`Tag key '${excerpt(k, 128)}' must be 1 to 128 characters and must not start with aws:.`);
    if (typeof v !== "string" || v.length > 256) throw invalid(`Tag value for '${excerpt(k, 128)}' must be at most 256 characters.`);
  }
  return Object.fromEntries(entries);
}
