import type { SecretBox } from "../../auth/secret-box.js";
import type { SecretValue } from "./checks.js";
import { decryptionFailure } from "./errors.js";

/**
 * A version's value as the store keeps it: sealed with the server's SecretBox (AES-256-GCM under
 * `<data-dir>/iam-key`, apart from the database), so a copy of the database gives no value away.
 * The sealed text is `s` and the string, or `b` and the bytes in base64.
 */
export function sealValue(box: SecretBox, value: SecretValue): string {
  return box.seal(value.kind === "string" ? `s${value.text}` : `b${value.bytes.toString("base64")}`);
}

/** The value a sealed text holds; DecryptionFailure when this server's key did not seal it. */
export function openValue(box: SecretBox, sealed: string): SecretValue {
  const plain = box.open(sealed);
  if (plain === undefined) throw decryptionFailure();
  return plain.startsWith("s") ? { kind: "string", text: plain.slice(1) } : { kind: "binary", bytes: Buffer.from(plain.slice(1), "base64") };
}

/** Whether two values are the same (a ClientRequestToken sent again with the same value is the same request). */
export const sameValue = (a: SecretValue, b: SecretValue): boolean =>
  a.kind === "string" ? b.kind === "string" && a.text === b.text : b.kind === "binary" && a.bytes.equals(b.bytes);

/** The value as GetSecretValue answers it: SecretString, or SecretBinary in base64 (the JSON protocol's blob). */
export const valueMembers = (v: SecretValue): { SecretString?: string; SecretBinary?: string } =>
  v.kind === "string" ? { SecretString: v.text } : { SecretBinary: v.bytes.toString("base64") };
