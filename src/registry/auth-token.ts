import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

/**
 * The passwords GetAuthorizationToken hands out and the `/v2/` API accepts for user `AWS`.
 *
 * A password carries its own expiry and an HMAC of it under a server secret, so that it verifies
 * without a table of issued tokens and stays valid across restarts (the secret lives in the data
 * dir). ECR's tokens last 12 hours; so do these. Nothing here reads the clock: `nowMs` is an argument.
 */

/** ECR: "The authorization token is valid for 12 hours." */
export const tokenLifetimeMs = 12 * 3_600_000;

/** The only user name a registry password is good for, as with ECR. */
export const registryUser = "AWS";

const version = "berth1";

export type PasswordCheck =
  | { readonly ok: true; readonly expiresAtMs: number }
  | { readonly ok: false; readonly reason: "malformed" | "bad-signature" | "expired" };

const sign = (secret: Buffer, payload: string): Buffer => createHmac("sha256", secret).update(payload).digest();

/** A password valid until `expiresAtMs`. */
export function issuePassword(secret: Buffer, expiresAtMs: number): string {
  const payload = `${version}.${expiresAtMs}`;
  return `${payload}.${sign(secret, payload).toString("base64url")}`;
}

/** Whether `password` was issued with `secret` and is still valid at `nowMs`. */
export function checkPassword(secret: Buffer, password: string, nowMs: number): PasswordCheck {
  const m = /^(berth1\.(\d{1,16}))\.([A-Za-z0-9_-]{43})$/.exec(password);
  if (!m) return { ok: false, reason: "malformed" };
  const given = Buffer.from(m[3]!, "base64url");
  const expected = sign(secret, m[1]!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "bad-signature" };
  const expiresAtMs = Number(m[2]);
  return nowMs < expiresAtMs ? { ok: true, expiresAtMs } : { ok: false, reason: "expired" };
}

/** GetAuthorizationToken's `authorizationToken`: base64 of `AWS:<password>`, what `docker login` takes apart. */
export const authorizationToken = (password: string): string => Buffer.from(`${registryUser}:${password}`, "utf8").toString("base64");

/** Reads the token secret at `path`, creating it (32 random bytes, owner-only) on first use. */
export function loadOrCreateTokenSecret(path: string): Buffer {
  if (!existsSync(path)) writeFileSync(path, randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
  const secret = Buffer.from(readFileSync(path, "utf8").trim(), "hex");
  if (secret.length < 32) throw new Error(`${path} does not hold a registry token secret: remove it to make a new one (issued tokens stop working)`);
  return secret;
}
