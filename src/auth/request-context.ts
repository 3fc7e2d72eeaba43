import type { RequestContext } from "./policy/conditions.js";
import type { Principal } from "./principal.js";

/** What the front door knows of a request besides its input, for the conditions' global keys. */
export interface RequestFacts {
  /** The client's address as the socket saw it. */
  readonly sourceIp?: string | undefined;
  /** The region the request was signed for. */
  readonly region: string;
  readonly nowMs: number;
  /** Whether it came over TLS. */
  readonly secure: boolean;
  /**
   * Service-specific keys (`ecs:cluster`), names in any case; or how to make them, when only a
   * policy that reads one needs them (root and agents never do).
   */
  readonly serviceKeys?: Readonly<Record<string, string>> | (() => Readonly<Record<string, string>> | undefined) | undefined;
}

/**
 * The condition keys of a request (lower-cased, as conditions look them up): `aws:SourceIp`,
 * `aws:RequestedRegion`, `aws:CurrentTime`, `aws:EpochTime`, `aws:SecureTransport`,
 * `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:userid`, `aws:username`,
 * `aws:PrincipalTag/<key>`, and the service's own keys.
 */
export function requestContext(principal: Principal, facts: RequestFacts, accountId: string, keys?: readonly string[]): RequestContext {
  if (keys !== undefined) return someKeys(principal, facts, accountId, keys);
  const ctx: Record<string, string> = {
    "aws:requestedregion": facts.region,
    "aws:currenttime": new Date(facts.nowMs).toISOString(),
    "aws:epochtime": String(Math.floor(facts.nowMs / 1000)),
    "aws:securetransport": String(facts.secure),
    "aws:principalaccount": accountId,
  };
  if (facts.sourceIp !== undefined) ctx["aws:sourceip"] = facts.sourceIp;
  if (principal.kind === "user") {
    Object.assign(ctx, { "aws:principalarn": principal.arn, "aws:principaltype": "User", "aws:username": principal.userName, "aws:userid": principal.userId });
  } else if (principal.kind === "assumed-role") {
    Object.assign(ctx, { "aws:principalarn": principal.roleArn, "aws:principaltype": "AssumedRole", "aws:userid": `${principal.roleId}:${principal.sessionName}` });
  }
  if (principal.kind === "user" || principal.kind === "assumed-role") {
    for (const [k, v] of Object.entries(principal.tags)) ctx[`aws:principaltag/${k.toLowerCase()}`] = v;
  }
  for (const [k, v] of Object.entries(serviceKeysOf(facts) ?? {})) ctx[k.toLowerCase()] = v;
  return ctx;
}

const serviceKeysOf = (facts: RequestFacts): Readonly<Record<string, string>> | undefined =>
  typeof facts.serviceKeys === "function" ? facts.serviceKeys() : facts.serviceKeys;

/**
 * The same context restricted to `keys` (lower-cased): what a principal's policies read
 * (policy-set.ts's `contextKeys`), so that a request builds nothing its policies never look at.
 * Each key has the value {@link requestContext} would give it.
 */
function someKeys(principal: Principal, facts: RequestFacts, accountId: string, keys: readonly string[]): RequestContext {
  const ctx: Record<string, string> = {};
  let service: Readonly<Record<string, string>> | undefined | null = null;
  for (const key of keys) {
    let value = globalKey(principal, facts, accountId, key);
    if (value === undefined && !key.startsWith("aws:")) {
      if (service === null) service = serviceKeysOf(facts);
      value = service === undefined ? undefined : lastOf(service, key);
    }
    if (value !== undefined) ctx[key] = value;
  }
  return ctx;
}

/** A global (`aws:`) key's value for this request, or undefined when the request has none. */
function globalKey(principal: Principal, facts: RequestFacts, accountId: string, key: string): string | undefined {
  switch (key) {
    case "aws:requestedregion":
      return facts.region;
    case "aws:currenttime":
      return new Date(facts.nowMs).toISOString();
    case "aws:epochtime":
      return String(Math.floor(facts.nowMs / 1000));
    case "aws:securetransport":
      return String(facts.secure);
    case "aws:principalaccount":
      return accountId;
    case "aws:sourceip":
      return facts.sourceIp;
  }
  if (principal.kind !== "user" && principal.kind !== "assumed-role") return undefined;
  if (key.startsWith("aws:principaltag/")) return lastOf(principal.tags, key.slice("aws:principaltag/".length));
  switch (key) {
    case "aws:principalarn":
      return principal.kind === "user" ? principal.arn : principal.roleArn;
    case "aws:principaltype":
      return principal.kind === "user" ? "User" : "AssumedRole";
    case "aws:username":
      return principal.kind === "user" ? principal.userName : undefined;
    case "aws:userid":
      return principal.kind === "user" ? principal.userId : `${principal.roleId}:${principal.sessionName}`;
  }
  return undefined;
}

/** The value of the last entry whose name, lower-cased, is `key` (as a record built in entry order keeps it). */
function lastOf(record: Readonly<Record<string, string>>, key: string): string | undefined {
  let found: string | undefined;
  for (const k in record) if (k.toLowerCase() === key) found = record[k];
  return found;
}

/** The facts of a request as the front doors received it. */
export const requestFacts = (
  req: { readonly remoteAddress?: string | undefined; readonly secure?: boolean | undefined },
  region: string,
  nowMs: number,
  serviceKeys?: RequestFacts["serviceKeys"],
): RequestFacts => ({ sourceIp: req.remoteAddress, region, nowMs, secure: req.secure === true, serviceKeys });
