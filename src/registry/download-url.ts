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

const payloadOf = (repository: string, digest: string, expiresAtMs: number, principal: string, region: string): string =>
  `dl2.${expiresAtMs}.${Buffer.from(principal, "utf8").toString("base64url")}.${region}.${Buffer.from(`${repository}@${digest}`, "utf8").toString("base64url")}`;

const sign = (secret: Buffer, payload: string): string => createHmac("sha256", secret).update(payload).digest("base64url");

const tokenPattern = /^(\d{1,16})\.([A-Za-z0-9_-]{2,342})\.([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.([A-Za-z0-9_-]{43})$/;

/** A download token of `region`'s registry. */
export function signDownload(secret: Buffer, d: { repository: string; digest: string; principal: string; region: string; expiresAtMs: number }): string {
  const payload = payloadOf(d.repository, d.digest, d.expiresAtMs, d.principal, d.region);
  // The blob's name is in the URL's path: the token carries only expiry, principal, region and MAC.
  const [, expires, principal, region] = payload.split(".");
  return `${expires}.${principal}.${region}.${sign(secret, payload)}`;
}

/** The principal and region a download token names, when it is valid for this blob of this repository at `nowMs`. */
export function checkDownload(secret: Buffer, token: string, repository: string, digest: string, nowMs: number): { principal: string; region: string } | undefined {
  const m = tokenPattern.exec(token);
  if (!m) return undefined;
  const principal = Buffer.from(m[2]!, "base64url").toString("utf8");
  const expected = Buffer.from(sign(secret, payloadOf(repository, digest, Number(m[1]), principal, m[3]!)), "utf8");
  const given = Buffer.from(m[4]!, "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return nowMs < Number(m[1]) ? { principal, region: m[3]! } : undefined;
}

/** The region a download token names, unverified: which region's registry is asked to check it. */
export const downloadRegion = (token: string): string | undefined => tokenPattern.exec(token)?.[3];
