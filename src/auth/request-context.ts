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
  /** Service-specific keys (`ecs:cluster`), names in any case. */
  readonly serviceKeys?: Readonly<Record<string, string>> | undefined;
}

/**
 * The condition keys of a request (lower-cased, as conditions look them up): `aws:SourceIp`,
 * `aws:RequestedRegion`, `aws:CurrentTime`, `aws:EpochTime`, `aws:SecureTransport`,
 * `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:userid`, `aws:username`,
 * `aws:PrincipalTag/<key>`, and the service's own keys.
 */
export function requestContext(principal: Principal, facts: RequestFacts, accountId: string): RequestContext {
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
  for (const [k, v] of Object.entries(facts.serviceKeys ?? {})) ctx[k.toLowerCase()] = v;
  return ctx;
}

/** The facts of a request as the front doors received it. */
export const requestFacts = (
  req: { readonly remoteAddress?: string | undefined; readonly secure?: boolean | undefined },
  region: string,
  nowMs: number,
  serviceKeys?: Readonly<Record<string, string>>,
): RequestFacts => ({ sourceIp: req.remoteAddress, region, nowMs, secure: req.secure === true, serviceKeys });
