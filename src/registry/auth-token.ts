import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

/**
 * The passwords GetAuthorizationToken hands out and the `/v2/` API accepts for user `AWS`.
 *
 * A password carries its own expiry, the id of the principal it was issued to (the caller of
 * GetAuthorizationToken), and an HMAC of both under a server secret, so that it verifies without a
 * table of issued tokens and stays valid across restarts (the secret lives in the data dir). The
 * registry charges upload sessions to that principal. ECR's tokens last 12 hours; so do these.
 * Nothing here reads the clock: `nowMs` is an argument.
 */

/** ECR: "The authorization token is valid for 12 hours." */
export const tokenLifetimeMs = 12 * 3_600_000;

/** The only user name a registry password is good for, as with ECR. */
export const registryUser = "AWS";

/**
 * The principal of passwords issued before tokens named one (`berth1.<expiry>.<mac>`), and of
 * upload sessions started with them. Such passwords are still accepted until they expire (at most
 * 12 hours after an upgrade) rather than refused: they are authentic, and agents keep a token until
 * 30 minutes before its expiry without retrying on a refusal, so refusing them would break every
 * agent's pulls until then. Their holders share this one principal, and so one set of upload
 * limits; a `docker login` gets a token of the caller's own. The parentheses keep it apart from
 * any access key id.
 */
export const legacyPrincipal = "(berth1-token)";

/** The region a password is good in: the registry of the region whose GetAuthorizationToken issued it. */
const regionPattern = "[a-z]{2}(?:-[a-z]+)+-\\d{1,2}";
/** In UTF-8 bytes: an access key id is 20, an ARN well under this. */
const maxPrincipalBytes = 256;

export type PasswordCheck =
  /** `region` is undefined for passwords issued before regions (the home region's). */
  | { readonly ok: true; readonly expiresAtMs: number; readonly principal: string; readonly region?: string }
  | { readonly ok: false; readonly reason: "malformed" | "bad-signature" | "expired" };

const sign = (secret: Buffer, payload: string): Buffer => createHmac("sha256", secret).update(payload).digest();

/** A password valid in `region`'s registry until `expiresAtMs` for `principal` (the id of GetAuthorizationToken's caller). */
export function issuePassword(secret: Buffer, expiresAtMs: number, principal: string, region: string): string {
  const bytes = Buffer.byteLength(principal, "utf8");
  if (bytes === 0 || bytes > maxPrincipalBytes) throw new Error(`a registry principal id has 1 to ${maxPrincipalBytes} bytes; got ${bytes}`);
  if (!new RegExp(`^${regionPattern}$`).test(region)) throw new Error(`not a region name: ${region}`);
  const payload = `berth3.${expiresAtMs}.${Buffer.from(principal, "utf8").toString("base64url")}.${region}`;
  return `${payload}.${sign(secret, payload).toString("base64url")}`;
}

// berth3 (with the region), berth2 (before regions), berth1 (before principals); then the MAC.
const passwordPattern = new RegExp(`^(berth3\\.(\\d{1,16})\\.([A-Za-z0-9_-]{2,342})\\.(${regionPattern})|berth2\\.(\\d{1,16})\\.([A-Za-z0-9_-]{2,342})|berth1\\.(\\d{1,16}))\\.([A-Za-z0-9_-]{43})$`);

/** Whether `password` was issued with `secret` and is still valid at `nowMs`, for whom and where. */
export function checkPassword(secret: Buffer, password: string, nowMs: number): PasswordCheck {
  const m = passwordPattern.exec(password);
  if (!m) return { ok: false, reason: "malformed" };
  // Compared as text: base64's last character has spare bits, so decoding would accept four spellings of one MAC.
  const given = Buffer.from(m[8]!, "utf8");
  const expected = Buffer.from(sign(secret, m[1]!).toString("base64url"), "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "bad-signature" };
  const expiresAtMs = Number(m[2] ?? m[5] ?? m[7]);
  const encoded = m[3] ?? m[6];
  const principal = encoded === undefined ? legacyPrincipal : Buffer.from(encoded, "base64url").toString("utf8");
  if (nowMs >= expiresAtMs) return { ok: false, reason: "expired" };
  return m[4] === undefined ? { ok: true, expiresAtMs, principal } : { ok: true, expiresAtMs, principal, region: m[4] };
}

/** The region a password names, unverified: which region's registry is asked to check it. */
export const passwordRegion = (password: string): string | undefined => passwordPattern.exec(password)?.[4];

/** GetAuthorizationToken's `authorizationToken`: base64 of `AWS:<password>`, what `docker login` takes apart. */
export const authorizationToken = (password: string): string => Buffer.from(`${registryUser}:${password}`, "utf8").toString("base64");

/** Reads the token secret at `path`, creating it (32 random bytes, owner-only) on first use. */
export function loadOrCreateTokenSecret(path: string): Buffer {
  if (!existsSync(path)) writeFileSync(path, randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
  const secret = Buffer.from(readFileSync(path, "utf8").trim(), "hex");
  if (secret.length < 32) throw new Error(`${path} does not hold a registry token secret: remove it to make a new one (issued tokens stop working)`);
  return secret;
}
