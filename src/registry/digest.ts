import { createHash } from "node:crypto";

/**
 * Content digests (`sha256:<64 hex>`). Only sha256 is accepted: it is what docker, skopeo and ECR
 * produce, and one algorithm keeps the on-disk layout and the equality of digests trivial.
 */
export const digestAlgorithm = "sha256";

const digestPattern = /^sha256:([a-f0-9]{64})$/;
/** The shape ECR accepts for `imageDigest` parameters (any algorithm, any case), used to tell a malformed digest from an unknown one. */
const ecrDigestPattern = /^[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+$/;

/** The hex part of a sha256 digest, or undefined when `text` is not one. */
export function digestHex(text: string): string | undefined {
  return digestPattern.exec(text)?.[1];
}

export const isDigest = (text: string): boolean => digestPattern.test(text);

/** Whether ECR would consider `text` a well-formed digest (even one of an algorithm we do not store). */
export const isEcrDigestSyntax = (text: string): boolean => ecrDigestPattern.test(text);

/** The sha256 digest of bytes held in memory (manifests; blobs are hashed while streaming). */
export const digestOf = (bytes: Uint8Array): string => `${digestAlgorithm}:${createHash("sha256").update(bytes).digest("hex")}`;
