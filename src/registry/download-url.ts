import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * GetDownloadUrlForLayer's URLs: `/v2/<repo>/blobs/<digest>?X-Berth-Signature=<token>`, usable
 * without credentials (as ECR's presigned URLs are) by whoever holds them, for one blob of one
 * repository, until they expire. The token names the caller, whose IAM rights the registry still
 * checks on the download, and is signed with the registry's token secret: no table.
 */
export const downloadSignatureParam = "X-Berth-Signature";
/** How long a download URL works (ECR's are good for an hour). */
export const downloadUrlLifetimeMs = 3_600_000;

const payloadOf = (repository: string, digest: string, expiresAtMs: number, principal: string): string =>
  `dl1.${expiresAtMs}.${Buffer.from(principal, "utf8").toString("base64url")}.${Buffer.from(`${repository}@${digest}`, "utf8").toString("base64url")}`;

const sign = (secret: Buffer, payload: string): string => createHmac("sha256", secret).update(payload).digest("base64url");

export function signDownload(secret: Buffer, d: { repository: string; digest: string; principal: string; expiresAtMs: number }): string {
  const payload = payloadOf(d.repository, d.digest, d.expiresAtMs, d.principal);
  // The blob's name is in the URL's path: the token carries only expiry, principal and MAC.
  const [, expires, principal] = payload.split(".");
  return `${expires}.${principal}.${sign(secret, payload)}`;
}

/** The principal a download token names, when it is valid for this blob of this repository at `nowMs`. */
export function checkDownload(secret: Buffer, token: string, repository: string, digest: string, nowMs: number): string | undefined {
  const m = /^(\d{1,16})\.([A-Za-z0-9_-]{2,342})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return undefined;
  const principal = Buffer.from(m[2]!, "base64url").toString("utf8");
  const expected = Buffer.from(sign(secret, payloadOf(repository, digest, Number(m[1]), principal)), "utf8");
  const given = Buffer.from(m[3]!, "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return nowMs < Number(m[1]) ? principal : undefined;
}
