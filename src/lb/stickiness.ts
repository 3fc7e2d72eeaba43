import { createHmac } from "node:crypto";

/**
 * Sticky sessions with ELB's load-balancer cookie (pure but for the HMAC): `AWSALB` names the
 * target a client's requests go to while it stays healthy, for `stickiness.lb_cookie.duration_seconds`;
 * `AWSALBCORS` carries the same value with SameSite=None for cross-origin requests, as ALB sets it.
 * The value is opaque to clients (ALB encrypts it); here it is the group, the target and a MAC,
 * so that a client can only come back to a target it was sent to, never choose one.
 */

export interface Stickiness {
  readonly durationSeconds: number;
}

/** A group's stickiness, when its attributes turn lb_cookie stickiness on. */
export function stickinessOf(attributes: Readonly<Record<string, string>>): Stickiness | undefined {
  if (attributes["stickiness.enabled"] !== "true" || (attributes["stickiness.type"] ?? "lb_cookie") !== "lb_cookie") return undefined;
  return { durationSeconds: Number(attributes["stickiness.lb_cookie.duration_seconds"] ?? "86400") };
}

export const cookieName = "AWSALB";

/** The value of a cookie in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const mac = (secret: Buffer, groupArn: string, key: string): string => createHmac("sha256", secret).update(`${groupArn}\n${key}`).digest("base64url").slice(0, 22);

/** The cookie value for a target of a group. */
export function stickyValue(secret: Buffer, groupArn: string, key: string): string {
  return `${Buffer.from(key).toString("base64url")}.${mac(secret, groupArn, key)}`;
}

/** The target key a cookie value names for this group, if it is one this load balancer made. */
export function stickyTarget(secret: Buffer, groupArn: string, value: string | undefined): string | undefined {
  if (value === undefined || value.length > 200) return undefined;
  const dot = value.indexOf(".");
  if (dot <= 0) return undefined;
  const key = Buffer.from(value.slice(0, dot), "base64url").toString();
  return mac(secret, groupArn, key) === value.slice(dot + 1) ? key : undefined;
}

/** The Set-Cookie headers for a response, as ALB sets them (expiry renewed on every response). */
export function setCookies(value: string, s: Stickiness, nowMs: number): string[] {
  const expires = new Date(nowMs + s.durationSeconds * 1000).toUTCString();
  return [`${cookieName}=${value}; Expires=${expires}; Path=/`, `${cookieName}CORS=${value}; Expires=${expires}; Path=/; SameSite=None; Secure`];
}
