import type { Tag } from "@aws-sdk/client-secrets-manager";
import type { Partition } from "../../domain/arn.js";
import { isSecretName, parseSecretId, type SecretRef } from "../../domain/secrets/secret-id.js";
import type { SecretTag } from "../../domain/secrets/secret.js";
import { AwsError } from "../../errors/catalog.js";
import { excerpt } from "../../observability/excerpt.js";
import { tokenKey } from "../pagination.js";

/**
 * A member outside the model's constraints, in the words of AWS's validation layer (Secrets
 * Manager's own for names). `value` is quoted (an excerpt) unless the member is a secret's value.
 */
export function invalidMember(member: string, constraint: string, value?: string): AwsError {
  const quoted = value === undefined ? "" : ` '${excerpt(value, 256)}'`;
  return new AwsError("ValidationException", `1 validation error detected: Value${quoted} at '${member}' failed to satisfy constraint: ${constraint}`);
}

/** `value`'s length (in characters, or items of a list) within the model's bounds. */
export function checkLength<T extends string | readonly unknown[]>(value: T, member: string, min: number, max: number): T {
  const quoted = typeof value === "string" ? value : undefined;
  if (value.length < min) throw invalidMember(member, `Member must have length greater than or equal to ${min}`, quoted);
  if (value.length > max) throw invalidMember(member, `Member must have length less than or equal to ${max}`, quoted);
  return value;
}

const invalidName = (): AwsError => new AwsError("ValidationException", "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!");

/** CreateSecret's Name: 1 to 512 characters, Secrets Manager's alphabet. */
export function checkName(name: string): string {
  checkLength(name, "name", 1, 512);
  if (!isSecretName(name)) throw invalidName();
  return name;
}

/** A SecretId: a name (Secrets Manager's alphabet, as it checks it) or an ARN, up to 2,048 characters. */
export function secretRefOf(id: string, p: Partition): SecretRef {
  checkLength(id, "secretId", 1, 2048);
  const ref = parseSecretId(id, p);
  if (ref === undefined) throw invalidName();
  return ref;
}

/** A secret's value: text, or bytes (SecretBinary, base64 on the wire). */
export type SecretValue = { readonly kind: "string"; readonly text: string } | { readonly kind: "binary"; readonly bytes: Buffer };

const maxValueBytes = 65_536;

/**
 * The value a call gives (SecretString or SecretBinary, never both), checked against Secrets
 * Manager's 65,536-byte bound; undefined when it gives none. The value is never quoted in a refusal.
 */
export function secretValueOf(input: { readonly SecretString?: string | undefined; readonly SecretBinary?: unknown }): SecretValue | undefined {
  const { SecretString: text, SecretBinary: blob } = input;
  if (text !== undefined && blob !== undefined) throw new AwsError("InvalidParameterException", "You can't specify both a binary secret value and a string secret value in the same secret.");
  if (text !== undefined) {
    if (Buffer.byteLength(text, "utf8") > maxValueBytes) throw invalidMember("secretString", `Member must have length less than or equal to ${maxValueBytes}`);
    return { kind: "string", text };
  }
  if (blob === undefined) return undefined;
  // The front door checked the member's type: a blob is base64 text on the wire.
  if (typeof blob !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(blob) || blob.length % 4 !== 0) throw new AwsError("SerializationException", "SecretBinary must be base64-encoded bytes.");
  const bytes = Buffer.from(blob, "base64");
  if (bytes.length > maxValueBytes) throw invalidMember("secretBinary", `Member must have length less than or equal to ${maxValueBytes}`);
  return { kind: "binary", bytes };
}

/** A value and the id of the version it makes. */
export interface NewValue {
  readonly token: string;
  readonly value: SecretValue;
}

/**
 * The ClientRequestToken that becomes a new version's id (32 to 64 characters), and the value it
 * is the id of; undefined when the call gives no value. The SDKs and the CLI always send a token (a
 * UUID); Secrets Manager refuses a request that gives a value without one.
 */
export function newVersionOf(token: string | undefined, value: SecretValue): NewValue;
export function newVersionOf(token: string | undefined, value: SecretValue | undefined): NewValue | undefined;
export function newVersionOf(token: string | undefined, value: SecretValue | undefined): NewValue | undefined {
  if (token !== undefined) checkLength(token, "clientRequestToken", 32, 64);
  if (value === undefined) return undefined;
  if (token === undefined) throw new AwsError("InvalidRequestException", "You must provide a ClientRequestToken value. We recommend a UUID-type value.");
  return { token, value };
}

/** A version id a call names (VersionId, RemoveFromVersionId, MoveToVersionId). */
export const checkVersionId = (id: string | undefined, member: string): string | undefined => (id === undefined ? undefined : checkLength(id, member, 32, 64));

/** A staging label. */
export const checkStage = (label: string, member: string): string => checkLength(label, member, 1, 256);

/** Description and KmsKeyId: up to 2,048 characters. */
export const checkText = (text: string | undefined, member: string): string | undefined => (text === undefined ? undefined : checkLength(text, member, 0, 2048));

/** Secrets Manager's tag limits: at most 50 per secret, keys of 1 to 128 characters not starting with `aws:`, values up to 256. */
export const maxTags = 50;

/** Tags as a call gives them (the SDK's shape, every member optional), checked. */
export function checkTags(tags: readonly Tag[]): SecretTag[] {
  checkLength(tags, "tags", 0, maxTags);
  return tags.map((t, i) => {
    const key = checkLength(t.Key ?? "", `tags.${i + 1}.member.key`, 1, 128);
    const value = checkLength(t.Value ?? "", `tags.${i + 1}.member.value`, 0, 256);
    if (key.toLowerCase().startsWith("aws:")) throw new AwsError("InvalidParameterException", `Invalid tag key '${excerpt(key, 128)}': the aws: prefix is reserved for AWS use.`);
    return { Key: key, Value: value };
  });
}

/** `tags` with `added` set over them (a key once, in its first place), refused past 50. */
export function mergedTags(tags: readonly SecretTag[], added: readonly SecretTag[]): SecretTag[] {
  const merged = new Map(tags.map((t) => [t.Key, t.Value]));
  for (const t of added) merged.set(t.Key, t.Value);
  if (merged.size > maxTags) throw new AwsError("InvalidParameterException", `A secret can have at most ${maxTags} tags; this would give it ${merged.size}.`);
  return [...merged].map(([Key, Value]) => ({ Key, Value }));
}

/** MaxResults: from 1 to `max`. */
export function maxResultsOf(n: number | undefined, max: number, def = max): number {
  if (n === undefined) return def;
  if (n < 1 || n > max) throw invalidMember("maxResults", n < 1 ? "Member must have value greater than or equal to 1" : `Member must have value less than or equal to ${max}`, String(n));
  return n;
}

/** The page key a NextToken carries (pagination.ts `keyToken` made it), checked by `valid`; InvalidNextTokenException for anything else. */
export function decodeToken<T>(token: string | undefined, valid: (key: unknown) => key is T): T | undefined {
  if (token === undefined) return undefined;
  const key = tokenKey(token, valid);
  if (key === undefined) throw new AwsError("InvalidNextTokenException", "The NextToken value is invalid: pass the NextToken of a previous response unchanged.");
  return key;
}
