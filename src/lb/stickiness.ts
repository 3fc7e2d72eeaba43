import { createHmac } from "node:crypto";

/**
 * Sticky sessions as ALB keeps them (pure but for the HMAC), with the load balancer's cookies:
 * - `lb_cookie` (duration-based): `AWSALB` names the target a client's requests go to while it
 *   stays healthy, for `stickiness.lb_cookie.duration_seconds`; `AWSALBCORS` carries the same
 *   value with SameSite=None for cross-origin requests. Set on every response.
 * - `app_cookie` (application-based): once a target's response sets the cookie named by
 *   `stickiness.app_cookie.cookie_name`, `AWSALBAPP-0` names that target and when stickiness
 *   began; requests that send both cookies go to that target while it stays healthy, for
 *   `stickiness.app_cookie.duration_seconds`, reset by every response to such a request.
 *   ALB's cookie expires after 7 days whatever the duration.
 * - target group stickiness of a forward action to weighted groups (its TargetGroupStickinessConfig):
 *   `AWSALBTG` (and `AWSALBTGCORS`) names the group a client's requests go to, for the duration,
 *   before the group's own stickiness picks the target.
 * Values are opaque to clients (ALB encrypts them); here they are the target (and the time) and
 * a MAC, so that a client can only come back to a target it was sent to, never choose one.
 */

export type Stickiness =
  | { readonly kind: "lb_cookie"; readonly durationSeconds: number }
  | { readonly kind: "app_cookie"; readonly cookieName: string; readonly durationSeconds: number };

/** A group's stickiness, when its attributes turn cookie stickiness on (`source_ip` is a network load balancer's). */
export function stickinessOf(attributes: Readonly<Record<string, string>>): Stickiness | undefined {
  if (attributes["stickiness.enabled"] !== "true") return undefined;
  const type = attributes["stickiness.type"] ?? "lb_cookie";
  if (type === "lb_cookie") return { kind: "lb_cookie", durationSeconds: Number(attributes["stickiness.lb_cookie.duration_seconds"] ?? "86400") };
  const cookieName = attributes["stickiness.app_cookie.cookie_name"] ?? "";
  if (type === "app_cookie" && cookieName !== "") return { kind: "app_cookie", cookieName, durationSeconds: Number(attributes["stickiness.app_cookie.duration_seconds"] ?? "86400") };
  return undefined;
}

export const cookieName = "AWSALB";
export const groupCookieName = "AWSALBTG";
/** The load balancer's application cookie (ALB shards values over 4 KB into -1 to -3; these never are). */
export const appCookieName = "AWSALBAPP-0";
const appCookieLifetimeMs = 7 * 86_400_000;

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

/** The Set-Cookie headers for a response, as ALB sets them (expiry renewed on every response), with their CORS twin. */
export function setCookies(value: string, s: { readonly durationSeconds: number }, nowMs: number, name = cookieName): string[] {
  const expires = new Date(nowMs + s.durationSeconds * 1000).toUTCString();
  return [`${name}=${value}; Expires=${expires}; Path=/`, `${name}CORS=${value}; Expires=${expires}; Path=/; SameSite=None; Secure`];
}

/** The target group a request's `AWSALBTG` names, if this load balancer made it. */
export const stuckGroup = (secret: Buffer, cookieHeader: string | undefined): string | undefined => stickyTarget(secret, groupCookieName, readCookie(cookieHeader, groupCookieName));

/** `AWSALBTG` and `AWSALBTGCORS` naming a target group, for the forward action's stickiness duration. */
export const groupCookies = (secret: Buffer, groupArn: string, durationSeconds: number, nowMs: number): string[] =>
  setCookies(stickyValue(secret, groupCookieName, groupArn), { durationSeconds }, nowMs, groupCookieName);

/** The value of `AWSALBAPP-0` for a target: the target and when its stickiness (re)started, in seconds. */
export const appStickyValue = (secret: Buffer, groupArn: string, key: string, nowMs: number): string => stickyValue(secret, groupArn, `${key} ${Math.floor(nowMs / 1000)}`);

/** The target an `AWSALBAPP-0` value names, while its stickiness lasts. */
export function appStickyTarget(secret: Buffer, groupArn: string, value: string | undefined, durationSeconds: number, nowMs: number): string | undefined {
  const sealed = stickyTarget(secret, groupArn, value);
  const space = sealed?.lastIndexOf(" ") ?? -1;
  if (sealed === undefined || space <= 0) return undefined;
  const since = Number(sealed.slice(space + 1));
  return Number.isSafeInteger(since) && nowMs < (since + durationSeconds) * 1000 ? sealed.slice(0, space) : undefined;
}

/** Whether a response's Set-Cookie headers set a cookie of this name. */
export const setsCookie = (setCookie: readonly string[], name: string): boolean => setCookie.some((c) => c.slice(0, Math.max(0, c.indexOf("="))).trim() === name);

/**
 * The target a request's cookies keep it on, if any: `AWSALB`'s; or, for application-based
 * stickiness, `AWSALBAPP-0`'s within the duration, when the request sends the application's
 * cookie with it (ALB: "clients have to send back both cookies").
 */
export function stuckTarget(s: Stickiness, secret: Buffer, groupArn: string, cookieHeader: string | undefined, nowMs: number): string | undefined {
  if (s.kind === "lb_cookie") return stickyTarget(secret, groupArn, readCookie(cookieHeader, cookieName));
  if (readCookie(cookieHeader, s.cookieName) === undefined) return undefined;
  return appStickyTarget(secret, groupArn, readCookie(cookieHeader, appCookieName), s.durationSeconds, nowMs);
}

/**
 * The load balancer's Set-Cookie headers for a response from `target`: `AWSALB` and `AWSALBCORS`
 * always; `AWSALBAPP-0` when the target set the application's cookie, or the request was stuck
 * (its stickiness restarts now, on this target, which is another one if the first became unhealthy).
 */
export function stickyCookies(s: Stickiness, secret: Buffer, groupArn: string, target: string, o: { readonly stuck: boolean; readonly targetSetCookie: readonly string[] }, nowMs: number): string[] {
  if (s.kind === "lb_cookie") return setCookies(stickyValue(secret, groupArn, target), s, nowMs);
  if (!o.stuck && !setsCookie(o.targetSetCookie, s.cookieName)) return [];
  return [`${appCookieName}=${appStickyValue(secret, groupArn, target, nowMs)}; Expires=${new Date(nowMs + appCookieLifetimeMs).toUTCString()}; Path=/`];
}
