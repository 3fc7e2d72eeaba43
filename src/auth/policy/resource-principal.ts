import type { PrincipalSpec } from "./document.js";

/** Who asks, as a resource policy's `Principal` sees them (same-account requests only). */
export interface ResourceCaller {
  /** The caller's own ARN: `arn:aws:iam::<account>:user/ci`, or an assumed-role session's `arn:aws:sts::…`. */
  readonly arn: string;
  readonly accountId: string;
  /** The role of an assumed-role session (`arn:aws:iam::<account>:role/deployer`). */
  readonly roleArn?: string | undefined;
}

/**
 * How a resource policy's `Principal` names the caller, which decides what an Allow is worth
 * (IAM's evaluation logic within one account):
 * - `named`: the caller itself (its user or session ARN), or everyone (`*`): the Allow grants on its own;
 * - `role`: the session's role ARN: grants too, within the role's permissions boundary;
 * - `account`: the account (its id or `arn:aws:iam::<account>:root`): a delegation to the account,
 *   which grants nothing the caller's own policies do not;
 * - `false`: not the caller (services, other accounts, other users).
 * A Deny applies whenever the caller is named at all.
 */
export type ResourcePrincipalMatch = "named" | "role" | "account" | false;

export function matchResourcePrincipal(spec: PrincipalSpec, caller: ResourceCaller): ResourcePrincipalMatch {
  if (spec === "*") return "named";
  const aws = spec.AWS ?? [];
  if (aws.includes("*") || aws.includes(caller.arn)) return "named";
  if (caller.roleArn !== undefined && aws.includes(caller.roleArn)) return "role";
  const root = /^arn:aws[a-z-]*:iam::(\d{12}):root$/;
  return aws.some((p) => p === caller.accountId || root.exec(p)?.[1] === caller.accountId) ? "account" : false;
}

/** `NotPrincipal`: every caller the spec does not name (as IAM reads it, everyone else, hence `named`). */
export function matchResourceNotPrincipal(spec: PrincipalSpec, caller: ResourceCaller): ResourcePrincipalMatch {
  return matchResourcePrincipal(spec, caller) === false ? "named" : false;
}
